"""What each route requires, read from its dependencies (feeds docs and the role tests)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from hub.api.deps import PermissionCheck, current_principal

PUBLIC = "public"
AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class RouteAccess:
    """One operation and the access it requires (a permission, or public/authenticated)."""

    method: str
    path: str
    operation_id: str
    requires: str


def _requirement(dependant: Dependant) -> str:
    found = PUBLIC
    for dep in dependant.dependencies:
        if isinstance(dep.call, PermissionCheck):  # authenticates the caller itself
            return dep.call.permission
        if dep.call is current_principal:
            found = AUTHENTICATED
        inner = _requirement(dep)
        if inner not in (PUBLIC, AUTHENTICATED):
            return inner
        if inner == AUTHENTICATED:
            found = AUTHENTICATED
    return found


def route_access(app: FastAPI) -> list[RouteAccess]:
    """Every API operation with what it requires, in path order."""
    rows = []
    # Included routers are wrapped lazily by FastAPI; our own routers hold the real routes.
    # hub.routes.include_domains keeps them on app.state (hub/api/ imports no router).
    domain_routers = getattr(app.state, "domain_routers", ())
    routes = [*app.routes, *(r for router in domain_routers for r in router.routes)]
    for route in routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in sorted(route.methods or ()):
            rows.append(RouteAccess(method, route.path, str(route.operation_id),
                                    _requirement(route.dependant)))
    return sorted(rows, key=lambda r: (r.path, r.method))
