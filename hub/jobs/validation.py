"""Checks a job must pass before it is accepted: known action, safe parameters.

The action catalogue is shared with the agent (`firmware_profiles.actions`, read from
`firmware_profiles/*/actions.yaml`), so the hub refuses exactly what an agent would.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError

from firmware_profiles.actions import (
    ActionError,
    ParamError,
    PlatformActions,
    check_params,
    load_actions,
)
from hub.errors import InvalidRequestError
from hub.inventory.models import Device


@functools.lru_cache(maxsize=64)
def platform_actions(profile: str) -> PlatformActions:
    """The actions of a firmware profile (cached; profiles ship with the code)."""
    return load_actions(profile)


def check_job(device: Device, action: str, params: dict[str, Any]) -> None:
    """422 unless the device's profile has `action` and `params` pass its schema."""
    try:
        platform = platform_actions(device.profile)
    except ActionError as exc:
        raise InvalidRequestError(f"device {device.name}: profile {device.profile!r} has "
                                  f"no SSH actions ({exc}); set the device's profile to "
                                  "a profile with actions.yaml") from exc
    try:
        check_params(platform.action(action), params)
    except ActionError as exc:
        raise InvalidRequestError(f"action: {exc}") from exc
    except ParamError as exc:
        raise InvalidRequestError(f"params: {exc}") from exc


def protocol_problem(exc: ValidationError) -> InvalidRequestError:
    """A job the wire contract refuses (e.g. secret-looking parameter keys) as a 422."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "job"
    return InvalidRequestError(f"{where}: {first.get('msg', 'invalid')}; jobs never carry "
                               "credentials, agents keep them in their own config")
