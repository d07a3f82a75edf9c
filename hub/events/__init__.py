"""Business events: an outbox written with each change, delivered as signed webhooks.

This package keeps the outbox, its delivery and the catalogue of event types; each domain
builds its own payloads and stages them with `record_event` (see hub.billing.webhooks).
"""

from hub.events.catalog import EVENT_TYPES, record_event
from hub.events.signing import sign, verify

__all__ = ["EVENT_TYPES", "record_event", "sign", "verify"]
