"""Every POST operation of the API takes Idempotency-Key, except the documented ones that
have no user or API-key caller (their exemption is listed in docs/api.md)."""

from __future__ import annotations

from pathlib import Path

from hub.api.access import PUBLIC, route_access
from hub.app import create_app
from tests.hub.harness import hub_settings

ROOT = Path(__file__).resolve().parents[3]
# Requests that authenticate with no user or API key: nothing to scope a key to, and login
# and refresh answer tokens that must never be stored.
MUST_BE_EXEMPT = {"auth_login", "auth_refresh", "auth_logout", "agents_enroll"}


def _takes_key(operation: dict[str, object]) -> bool:
    parameters = operation.get("parameters") or []
    assert isinstance(parameters, list)
    return any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters)


def test_every_post_route_takes_the_key_unless_it_has_no_caller(tmp_path: Path) -> None:
    app = create_app(hub_settings(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"))
    access = {(row.method, row.path): row.requires for row in route_access(app)}
    exempt, covered = set(), set()
    for path, operations in app.openapi()["paths"].items():
        operation = operations.get("post")
        if operation is None:
            continue
        name = operation["operationId"]
        public = access[("POST", path)] == PUBLIC
        assert _takes_key(operation) != public, (
            f"{name}: {'public, yet takes' if public else 'has a caller, yet lacks'} the key")
        (exempt if public else covered).add(name)
        if not public:
            assert "409" in operation["responses"] and "422" in operation["responses"], name
    assert exempt >= MUST_BE_EXEMPT
    assert {"billing_customers_create", "billing_payments_create", "jobs_create",
            "billing_refunds_create", "billing_credit_notes_create",
            "billing_subscriptions_create"} <= covered
    documented = (ROOT / "docs" / "api.md").read_text()
    undocumented = sorted(name for name in exempt if f"`{name}`" not in documented)
    assert not undocumented, f"exempt from Idempotency-Key but not listed in docs/api.md: " \
                             f"{undocumented}"
