"""Every table of the hub, imported once so `Base.metadata` is complete (Alembic, tests)."""

from hub.access import models as _access_models  # noqa: F401 - registers the tables
from hub.access.sessions import models as _session_models  # noqa: F401 - the tables
from hub.alarms import models as _alarms_models  # noqa: F401 - registers the tables
from hub.api.idempotency import models as _idempotency_models  # noqa: F401 - the table
from hub.audit.models import AuditEvent
from hub.billing import models as _billing_models  # noqa: F401 - registers the tables
from hub.billing.documents import models as _document_models  # noqa: F401 - the tables
from hub.db import Base
from hub.enrollment.models import EnrollmentToken  # noqa: F401 - registers the table
from hub.events import models as _events_models  # noqa: F401 - registers the tables
from hub.fleet import models as _fleet_models  # noqa: F401 - registers the tables
from hub.identity.models import ApiKey, AuthSession, RefreshToken, SigningKey, User
from hub.ingest import models as _ingest_models  # noqa: F401 - registers the tables
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.models import Agent, Device, Site
from hub.ipam import models as _ipam_models  # noqa: F401 - registers the tables
from hub.jobs import models as _jobs_models  # noqa: F401 - registers the tables
from hub.ratelimit import RateCounter
from hub.schedules import models as _schedule_models  # noqa: F401 - registers the tables
from hub.support import models as _support_models  # noqa: F401 - registers the tables
from hub.tenants.models import Tenant

metadata = Base.metadata

__all__ = ["Agent", "ApiKey", "AuditEvent", "AuthSession", "Base", "CredentialSet", "Device",
           "RateCounter",
           "RefreshToken", "SigningKey", "Site", "Tenant", "User", "metadata"]
