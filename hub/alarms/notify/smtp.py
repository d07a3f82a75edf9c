"""The SMTP transport alarm mail goes through: it lives in `hub.mail` (shared with billing's
document mail); re-exported here so alarm code keeps its imports."""

from __future__ import annotations

from hub.mail import SendFailure, SmtpSender

__all__ = ["SendFailure", "SmtpSender"]
