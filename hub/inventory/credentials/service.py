"""Credential set rules: one kind for life, sealed secrets, rotation, sets in use kept.

Secrets are sealed with the hub key as they arrive and unsealed only to merge a rotation
(here) or to build an agent's config push (the fleet domain). Audit events and log lines
carry the names of secret fields, never their values.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from hub.audit.service import AuditTrail
from hub.db import utcnow
from hub.domain_events import publish
from hub.errors import ConflictError, InvalidRequestError
from hub.inventory.credentials.models import CredentialSet
from hub.inventory.credentials.repository import CredentialSetRepository
from hub.inventory.credentials.rules import check_fields
from hub.inventory.credentials.schemas import (
    ALL_PUBLIC,
    ALL_SECRETS,
    CredentialSetCreate,
    CredentialSetUpdate,
)
from hub.inventory.credentials.sealing import seal, unseal
from hub.inventory.events import EdgeConfigChanged
from hub.inventory.repository import DeviceRepository, DeviceUse, SiteRepository
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.settings import HubSettings

SHOWN_NAMES = 5  # devices named in a 409/422 before "and N more"


def _values(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The given fields among `names`, secrets unwrapped (None kept: it means remove)."""
    return {k: v.get_secret_value() if isinstance(v, SecretStr) else v
            for k, v in fields.items() if k in names}


def _public(shown: dict[str, Any], secret_names: set[str]) -> dict[str, object]:
    """The `public` column: the non-secret fields with a value and the names of the set
    secrets (so lists show them without unsealing)."""
    return {**{k: v for k, v in shown.items() if v is not None},
            "secrets_set": sorted(secret_names)}


def _named(uses: list[DeviceUse]) -> str:
    names = [use.name for use in uses[:SHOWN_NAMES]]
    more = f" and {len(uses) - SHOWN_NAMES} more" if len(uses) > SHOWN_NAMES else ""
    return ", ".join(names) + more


class CredentialSetService:
    """Credential sets of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: HubSettings) -> None:
        self.session = session
        self.tenant_id = principal.tenant_id
        self.repo = CredentialSetRepository(session, principal.tenant_id)
        self.sites = SiteRepository(session, principal.tenant_id)
        self.devices = DeviceRepository(session, principal.tenant_id)
        self.audit = AuditTrail(session, principal)
        self.key = settings.secret_key

    async def get(self, set_id: uuid.UUID) -> CredentialSet:
        """One credential set (404 for a foreign or missing one)."""
        return await self.repo.get(set_id)

    async def create(self, data: CredentialSetCreate) -> CredentialSet:
        """Add a set; its fields must fit its kind; secrets are sealed at once."""
        if data.site_id is not None:
            await self.sites.get_reference(data.site_id, "site_id")
        given = data.model_dump(exclude_none=True)
        shown, secrets = _values(given, ALL_PUBLIC), _values(given, ALL_SECRETS)
        check_fields(data.kind, [*shown, *secrets])
        row = self.repo.add(CredentialSet(
            name=data.name, kind=data.kind.value, site_id=data.site_id,
            public=_public(shown, set(secrets)), sealed=seal(secrets, self.key),
            updated_at=utcnow()))
        await commit_or_conflict(self.session, f"credential set name {data.name!r}: already "
                                 "used", flush_only=True)
        self.audit.record("credential_set.create", "credential_set", row.id, name=row.name,
                          kind=row.kind, site_id=str(row.site_id) if row.site_id else None,
                          secrets_set=sorted(secrets))
        await self.session.commit()
        return row

    async def update(self, set_id: uuid.UUID, change: CredentialSetUpdate) -> CredentialSet:
        """Rename, re-bind, change non-secret fields or rotate secrets; the agents whose
        devices use the set get a new config version in the same transaction."""
        row = await self.repo.get(set_id)
        fields = change.model_dump(exclude_unset=True)
        if fields.pop("kind", None) not in (None, row.kind):
            raise InvalidRequestError(f"kind: a credential set keeps its kind ({row.kind}); "
                                      "create a new set and point the devices at it")
        uses = await self.devices.using_credential_set(row.id)
        changed = await self._rebind(row, fields, uses)
        changed += self._apply_fields(row, fields)
        secrets_changed = self._rotate(row, fields)
        if not changed and not secrets_changed:
            return row
        row.updated_at = utcnow()
        await commit_or_conflict(self.session, f"credential set name {change.name!r}: already "
                                 "used", flush_only=True)
        self.audit.record("credential_set.update", "credential_set", row.id, name=row.name,
                          changed=changed, secrets_changed=secrets_changed)
        agents = frozenset(use.agent_id for use in uses if use.agent_id is not None)
        await publish(self.session, EdgeConfigChanged(self.tenant_id, agents,
                                                      "credential_set.update",
                                                      frozenset({row.id})))
        await self.session.commit()
        return row

    async def _rebind(self, row: CredentialSet, fields: dict[str, Any],
                      uses: list[DeviceUse]) -> list[str]:
        """Apply a new name or site binding; a site the set's devices are not in is a 422."""
        changed = []
        if fields.get("name") not in (None, row.name):
            row.name, changed = fields["name"], ["name"]
        if "site_id" not in fields or fields["site_id"] == row.site_id:
            return changed
        site_id = fields["site_id"]
        if site_id is not None:
            await self.sites.get_reference(site_id, "site_id")
            elsewhere = [use for use in uses if use.site_id != site_id]
            if elsewhere:
                raise InvalidRequestError(
                    f"site_id {site_id}: devices of other sites use this set ({_named(elsewhere)}"
                    "); point them at another set first, or leave the set unbound")
        row.site_id = site_id
        return [*changed, "site_id"]

    def _apply_fields(self, row: CredentialSet, fields: dict[str, Any]) -> list[str]:
        """Merge non-secret field changes and check the result against the kind's rules."""
        shown = {k: v for k, v in row.public.items() if k in ALL_PUBLIC}
        given = _values(fields, ALL_PUBLIC)
        changed = sorted(k for k, v in given.items() if shown.get(k) != v)
        shown.update(given)
        secret_names = set(row.public.get("secrets_set", []))  # type: ignore[call-overload]
        for name, value in _values(fields, ALL_SECRETS).items():
            (secret_names.add if value is not None else secret_names.discard)(name)
        check_fields(row.kind, [k for k, v in shown.items() if v is not None]
                     + sorted(secret_names))
        row.public = _public(shown, secret_names)
        return changed

    def _rotate(self, row: CredentialSet, fields: dict[str, Any]) -> list[str]:
        """Replace (or, given null, remove) the secrets named in the change; reseal."""
        given = _values(fields, ALL_SECRETS)
        if not given:
            return []
        secrets = unseal(row.sealed, self.key)
        for name, value in given.items():
            if value is None:
                secrets.pop(name, None)
            else:
                secrets[name] = value
        row.sealed, row.rotated_at = seal(secrets, self.key), utcnow()
        return sorted(given)

    async def delete(self, set_id: uuid.UUID) -> None:
        """Delete a set no device refers to (409 naming the devices otherwise)."""
        row = await self.repo.get(set_id)
        uses = await self.devices.using_credential_set(row.id)
        if uses:
            raise ConflictError(f"credential set {row.name}: used by {len(uses)} device(s) "
                                f"({_named(uses)}); point them at another set first")
        await self.repo.delete(row)
        await commit_or_conflict(self.session, f"credential set {row.name}: still in use",
                                 flush_only=True)
        self.audit.record("credential_set.delete", "credential_set", set_id, name=row.name,
                          kind=row.kind)
        await self.session.commit()
