"""Every table of the hub, imported once so `Base.metadata` is complete (Alembic, tests)."""

from hub.audit.models import AuditEvent
from hub.db import Base
from hub.identity.models import ApiKey, AuthSession, RefreshToken, SigningKey, User
from hub.inventory.models import Agent, Device, Site
from hub.ratelimit import RateCounter
from hub.tenants.models import Tenant

metadata = Base.metadata

__all__ = ["Agent", "ApiKey", "AuditEvent", "AuthSession", "Base", "Device", "RateCounter",
           "RefreshToken", "SigningKey", "Site", "Tenant", "User", "metadata"]
