"""Device CSV and observed-view cases for the hub's role matrix and tenant-isolation matrix."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from tests.hub.harness import Account, Hub
from tests.hub.matrix_support import Factory
from tests.hub.matrix_support import by_id as _by_id
from tests.hub.matrix_support import plain as _plain


async def device(hub: Hub, owner: Account) -> dict[str, Any]:
    """A new device in a new site of the owner's tenant."""
    site = await hub.post(owner, "/sites", {"name": f"s-{secrets.token_hex(4)}"})
    return await hub.post(owner, "/devices", {"site_id": site["id"],
                                              "name": f"d-{secrets.token_hex(4)}",
                                              "management_address": "192.0.2.1",
                                              "profile": "auto"})


# The matrices send JSON bodies; the import reads the body as CSV, so it is called without
# one (an empty file: nothing to import, 200).
REQUESTS: dict[str, Factory] = {
    "devices_export_csv": _plain(),
    "devices_import_csv": _plain(),
    "devices_observed": _by_id(device, "device_id"),
}


def isolation_cases(a: dict[str, str], case: Callable[..., Any]) -> dict[str, Any]:
    """One case per operation, built with the matrix's `Case` class: the export and the
    import act in the caller's tenant and must show nothing of A; A's device is a 404."""
    return {
        "devices_export_csv": case("own", {}),
        "devices_import_csv": case("own", {}, query={"dry_run": "true"}),
        "devices_observed": case("foreign", {"device_id": a["device"]}),
    }
