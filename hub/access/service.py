"""Use cases of subscriber access: the NAS registry, subscriber credentials, and the two
look-ups the RADIUS path shares with hub.access.sessions (`nas_for_address`, `nas_secret`).

Secrets (NAS shared secrets, subscriber passwords) are sealed with the hub key
(DOTMAC_HUB_SECRET_KEY, AES-GCM) as they arrive and opened only for FreeRADIUS: the
clients.conf the `radius clients` command writes, the password an authorize answer carries,
and the CoA packets hub.access.sessions signs. Audit events never carry them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.access import repository as repo
from hub.access.models import Nas, SubscriberCredential
from hub.access.radius_auth import canonical_address
from hub.access.radius_config import RadiusClient
from hub.access.repository import CredentialRepository, NasRepository
from hub.access.schemas import CredentialPut, NasCreate, NasUpdate
from hub.audit.service import AuditTrail
from hub.billing.repository.subscriptions import Subscriptions
from hub.db import utcnow
from hub.errors import NotFoundError
from hub.events.signing import decrypt_secret, encrypt_secret
from hub.inventory.repository import SiteRepository
from hub.principal import Principal
from hub.repository import commit_or_conflict
from hub.settings import HubSettings


async def nas_for_address(session: AsyncSession, address: str) -> Nas | None:
    """The registered NAS that sends RADIUS from `address` (any spelling of the IP)."""
    canonical = canonical_address(address)
    return await repo.nas_by_address(session, canonical) if canonical else None


def nas_secret(nas: Nas, settings: HubSettings) -> str:
    """The NAS's RADIUS shared secret in clear (for clients.conf and CoA only)."""
    return decrypt_secret(nas.secret_encrypted, settings.secret_key)


def credential_password(credential: SubscriberCredential, secret_key: str) -> str | None:
    """The subscriber's password in clear (for the authorize answer only), None for IPoE."""
    if credential.password_encrypted is None:
        return None
    return decrypt_secret(credential.password_encrypted, secret_key)


class NasService:
    """NASes of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: HubSettings) -> None:
        self.session = session
        self.repo = NasRepository(session, principal.tenant_id)
        self.sites = SiteRepository(session, principal.tenant_id)
        self.audit = AuditTrail(session, principal)
        self.key = settings.secret_key

    async def get(self, nas_id: uuid.UUID) -> Nas:
        """One NAS (404 for a foreign or missing one)."""
        return await self.repo.get(nas_id)

    async def create(self, data: NasCreate) -> Nas:
        """Register a NAS; its address must be new to the whole hub (409 otherwise)."""
        await self.sites.get_reference(data.site_id, "site_id")
        row = self.repo.add(Nas(
            site_id=data.site_id, name=data.name, address=data.address, vendor=data.vendor,
            coa_port=data.coa_port,
            secret_encrypted=encrypt_secret(data.secret.get_secret_value(), self.key)))
        await commit_or_conflict(self.session, f"NAS address {data.address}: already "
                                 "registered (in this or another tenant)", flush_only=True)
        self.audit.record("nas.create", "nas", row.id, name=row.name, address=row.address,
                          vendor=row.vendor, site_id=str(row.site_id))
        await self.session.commit()
        return row

    async def update(self, nas_id: uuid.UUID, change: NasUpdate) -> Nas:
        """Change fields; a `secret` rotates the shared secret (regenerate clients.conf)."""
        row = await self.repo.get(nas_id)
        fields: dict[str, Any] = change.model_dump(exclude_unset=True, exclude={"secret"})
        if fields.get("site_id") is not None:
            await self.sites.get_reference(fields["site_id"], "site_id")
        changed = sorted(k for k, v in fields.items()
                         if v is not None and getattr(row, k) != v)
        for name in changed:
            setattr(row, name, fields[name])
        if change.secret is not None:
            row.secret_encrypted = encrypt_secret(change.secret.get_secret_value(), self.key)
            changed.append("secret")
        if not changed:
            return row
        await commit_or_conflict(self.session, f"NAS address {change.address}: already "
                                 "registered (in this or another tenant)", flush_only=True)
        self.audit.record("nas.update", "nas", row.id, name=row.name, changed=changed)
        await self.session.commit()
        return row

    async def delete(self, nas_id: uuid.UUID) -> None:
        """Forget a NAS (FreeRADIUS drops its packets once clients.conf is regenerated)."""
        row = await self.repo.get(nas_id)
        await self.repo.delete(row)
        self.audit.record("nas.delete", "nas", nas_id, name=row.name, address=row.address)
        await self.session.commit()


class CredentialService:
    """The credential of one subscription of the caller's tenant."""

    def __init__(self, session: AsyncSession, principal: Principal,
                 settings: HubSettings) -> None:
        self.session = session
        self.repo = CredentialRepository(session, principal.tenant_id)
        self.subscriptions = Subscriptions(session, principal.tenant_id)
        self.audit = AuditTrail(session, principal)
        self.key = settings.secret_key

    async def get(self, subscription_id: uuid.UUID) -> SubscriberCredential:
        """The subscription's credential (404 when it has none or is another tenant's)."""
        await self.subscriptions.get(subscription_id)
        row = await self.repo.of_subscription(subscription_id)
        if row is None:
            raise NotFoundError(f"subscription {subscription_id}: has no access credential; "
                                "PUT one")
        return row

    async def put(self, subscription_id: uuid.UUID, data: CredentialPut,
                  ) -> SubscriberCredential:
        """Create or replace the credential; username and MAC are unique hub-wide."""
        await self.subscriptions.get(subscription_id)
        row = await self.repo.of_subscription(subscription_id)
        if row is None:
            row = self.repo.add(SubscriberCredential(subscription_id=subscription_id))
        row.username, row.mac = data.username, data.mac
        row.circuit_id, row.remote_id = data.circuit_id, data.remote_id
        row.password_encrypted = (None if data.password is None else
                                  encrypt_secret(data.password.get_secret_value(), self.key))
        row.updated_at = utcnow()
        await commit_or_conflict(self.session, f"username {data.username!r} or mac "
                                 f"{data.mac}: already used by another subscription",
                                 flush_only=True)
        self.audit.record("access_credential.put", "subscription", subscription_id,
                          username=row.username, password_set=data.password is not None,
                          mac=row.mac, circuit_id=row.circuit_id)
        await self.session.commit()
        return row

    async def delete(self, subscription_id: uuid.UUID) -> None:
        """Remove the credential: the subscriber can no longer log in."""
        row = await self.get(subscription_id)
        await self.repo.delete(row)
        self.audit.record("access_credential.delete", "subscription", subscription_id,
                          username=row.username)
        await self.session.commit()


def credential_public(row: SubscriberCredential) -> dict[str, object]:
    """The API view of a credential (whether a password is set, never the password)."""
    return {"id": row.id, "subscription_id": row.subscription_id, "username": row.username,
            "password_set": row.password_encrypted is not None, "mac": row.mac,
            "circuit_id": row.circuit_id, "remote_id": row.remote_id,
            "created_at": row.created_at, "updated_at": row.updated_at}


async def radius_clients(session: AsyncSession, settings: HubSettings) -> list[RadiusClient]:
    """Every NAS of the hub as a FreeRADIUS client, secret in clear (for clients.conf only)."""
    return [RadiusClient(f"{nas.name}", nas.address, nas_secret(nas, settings),
                         tenant_id=str(nas.tenant_id), vendor=nas.vendor)
            for nas in await repo.all_nases(session)]
