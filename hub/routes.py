"""The composition root of the HTTP API: every domain router, each mounted on the app under
the per-IP rate limit. A new domain's router is added to DOMAIN_ROUTERS here (and nowhere
else); `hub/api/` keeps only the request dependencies the routes share."""

from __future__ import annotations

from fastapi import FastAPI

from hub.access.routes import router as access_router
from hub.access.sessions.routes import router as access_sessions_router
from hub.alarms.routes import router as alarms_router
from hub.audit.routes import router as audit_router
from hub.billing.analytics.resellers.routes import router as reseller_totals_router
from hub.billing.analytics.routes import router as billing_analytics_router
from hub.billing.documents.routes import router as billing_documents_router
from hub.billing.portal.routes import router as billing_portal_router
from hub.billing.routes import router as billing_router
from hub.enrollment.routes import router as enrollment_router
from hub.events.routes import router as webhooks_router
from hub.fleet.bulk.routes import router as device_bulk_router
from hub.fleet.discovery.routes import router as discovery_router
from hub.fleet.observed.routes import router as observed_router
from hub.fleet.routes import router as fleet_router
from hub.identity.api_keys.routes import router as api_key_router
from hub.identity.routes import router as auth_router
from hub.identity.users.routes import router as user_router
from hub.inventory.credentials.routes import router as credentials_router
from hub.inventory.routes import agents, devices, sites
from hub.ipam.routes import router as ipam_router
from hub.jobs.routes import config_versions, jobs
from hub.network_analytics.routes import router as analytics_router
from hub.schedules.routes import router as schedules_router
from hub.support.routes import portal, tickets
from hub.tenants.routes import router as tenant_router

DOMAIN_ROUTERS = (auth_router, tenant_router, user_router, api_key_router, sites, agents,
                  device_bulk_router, devices, credentials_router, fleet_router, discovery_router,
                  observed_router, enrollment_router, audit_router, analytics_router, jobs,
                  config_versions,
                  billing_router, billing_analytics_router, reseller_totals_router,
                  billing_documents_router, tickets,
                  portal, billing_portal_router, webhooks_router, alarms_router, schedules_router,
                  access_router, access_sessions_router, ipam_router)


def include_domains(app: FastAPI) -> None:
    """Mount every domain router on the app itself (the per-IP rate limit in front of
    them is the middleware of hub.api.middleware, mounted in hub.app).

    Directly, not through one umbrella router: every level of included routers is walked
    again when matching each request. The routers are kept on `app.state.domain_routers`
    for `hub.api.access` (it reads what each route requires)."""
    for router in DOMAIN_ROUTERS:
        app.include_router(router)  # under the per-IP limit of hub.api.middleware
    app.state.domain_routers = DOMAIN_ROUTERS
