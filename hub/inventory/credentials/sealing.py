"""Sealing credential secrets at rest with the hub's key (DOTMAC_HUB_SECRET_KEY).

    sealed = seal({"community": "s3cret"}, settings.secret_key)   # stored in credential_sets
    secrets = unseal(sealed, settings.secret_key)                 # only for a config push

The same AES-GCM recipe as webhook secrets (`hub.events.signing`): a changed hub key makes
unseal fail with a clear error instead of returning garbage.
"""

from __future__ import annotations

import json

from hub.events.signing import decrypt_secret, encrypt_secret


def seal(secrets: dict[str, str], hub_secret_key: str) -> str:
    """The secrets as one sealed string (JSON inside, never logged)."""
    return encrypt_secret(json.dumps(secrets, sort_keys=True), hub_secret_key)


def unseal(sealed: str, hub_secret_key: str) -> dict[str, str]:
    """Inverse of :func:`seal`."""
    data = json.loads(decrypt_secret(sealed, hub_secret_key))
    if not isinstance(data, dict):
        raise ValueError("sealed credentials are not a JSON object")
    return {str(k): str(v) for k, v in data.items()}
