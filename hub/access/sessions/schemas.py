"""Request and response bodies of this domain (filled in by its work)."""

from __future__ import annotations
