"""Alarm notifications: policies decide who hears about an alarm; messages go out as webhook
events (the outbox) and as e-mail over SMTP, with escalation and clear messages.

`on_alarm_changed` is the AlarmChanged handler (subscribed in hub.handlers); `AlarmNotifier`
is the worker that sends the mail and escalates (hub.alarms.notify.runner runs it)."""

from hub.alarms.notify.policy import matches
from hub.alarms.notify.settings import NotifierSettings, SmtpSettings
from hub.alarms.notify.staging import escalate, on_alarm_changed
from hub.alarms.notify.worker import AlarmNotifier

__all__ = ["AlarmNotifier", "NotifierSettings", "SmtpSettings", "escalate", "matches",
           "on_alarm_changed"]
