"""A tenant's alarm configuration through the API: rule overrides, maintenance windows,
notification policies, and the sites a user is bound to. Checks what a request names
(rules, parameters, sites, devices, users) and stores it; lifecycle stays in the service."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.alarms import schemas as s
from hub.alarms.models import AlarmRuleOverride, MaintenanceWindow, NotificationPolicy
from hub.alarms.repository import overrides as rule_overrides
from hub.alarms.repository.desk import bind_user_to_sites, newest_first, sites_of_user
from hub.alarms.rules import Rule, RulesFileError, check_override, merge, shipped_rules
from hub.audit.service import AuditTrail
from hub.db import utcnow
from hub.errors import ForbiddenError, InvalidRequestError, NotFoundError
from hub.identity.repository import UserRepository
from hub.inventory.repository import DeviceRepository, SiteRepository
from hub.pagination import PageParams
from hub.permissions import Role, can_grant
from hub.principal import Principal
from hub.repository import TenantScopedRepository, commit_or_conflict


class Windows(TenantScopedRepository[MaintenanceWindow]):
    """Maintenance windows of one tenant."""

    model = MaintenanceWindow
    noun = "maintenance window"


class Policies(TenantScopedRepository[NotificationPolicy]):
    """Notification policies of one tenant."""

    model = NotificationPolicy
    noun = "notification policy"


def rule_public(shipped: Rule, override: AlarmRuleOverride | None) -> s.AlarmRulePublic:
    """A rule as the API shows it: effective values, shipped defaults, the override."""
    rule = merge(shipped, override)
    return s.AlarmRulePublic(
        key=rule.key, source=rule.source, description=rule.description, enabled=rule.enabled,
        severity=rule.severity, params=rule.params,
        defaults={"enabled": shipped.enabled, "severity": shipped.severity,
                  "params": shipped.params},
        override=None if override is None else s.RuleOverridePublic.model_validate(override))


class AlarmConfiguration:
    """The alarm configuration use cases of one caller (`actor` names it in records)."""

    def __init__(self, session: AsyncSession, principal: Principal, actor: str) -> None:
        self.session = session
        self.principal = principal
        self.actor = actor
        self.tenant_id = principal.tenant_id
        self.windows = Windows(session, self.tenant_id)
        self.policies = Policies(session, self.tenant_id)

    # ---- rules ----------------------------------------------------------------------------

    async def _overrides(self, key: str | None = None) -> dict[str, AlarmRuleOverride]:
        return await rule_overrides.of_tenant(self.session, self.tenant_id, key)

    async def rules(self) -> list[s.AlarmRulePublic]:
        """Every shipped rule with the tenant's override, in key order."""
        overrides = await self._overrides()
        return [rule_public(rule, overrides.get(key))
                for key, rule in sorted(shipped_rules().items())]

    @staticmethod
    def _shipped(key: str) -> Rule:
        rule = shipped_rules().get(key)
        if rule is None:
            raise NotFoundError(f"alarm rule {key}: no such rule; GET /alarm-rules lists them")
        return rule

    async def override_rule(self, key: str, change: s.AlarmRuleOverride) -> s.AlarmRulePublic:
        """Store the tenant's override of a rule (replacing an earlier one)."""
        shipped = self._shipped(key)
        problem = s.override_params_problem(key, shipped.params, change.params)
        if problem is None:
            try:
                check_override(key, change.severity, change.params)
            except RulesFileError as exc:
                problem = str(exc)
        if problem is not None:
            raise InvalidRequestError(f"{problem}; GET /alarm-rules shows the rule's params")
        row = (await self._overrides(key)).get(key) or AlarmRuleOverride(
            tenant_id=self.tenant_id, rule=key)
        row.enabled, row.severity, row.params = change.enabled, change.severity, change.params
        row.updated_by, row.updated_at = self.actor, utcnow()
        self.session.add(row)
        await commit_or_conflict(self.session, f"alarm rule {key}: changed by someone else at "
                                 "the same time; read it again and retry")
        return rule_public(shipped, row)

    async def reset_rule(self, key: str) -> s.AlarmRulePublic:
        """Drop the tenant's override: the rule is as shipped again."""
        shipped = self._shipped(key)
        for row in (await self._overrides(key)).values():
            await self.session.delete(row)
        await self.session.commit()
        return rule_public(shipped, None)

    # ---- maintenance windows --------------------------------------------------------------

    async def window_page(self, params: PageParams, site_id: uuid.UUID | None,
                          device_id: uuid.UUID | None, active: bool | None,
                          ) -> tuple[list[MaintenanceWindow], str | None]:
        """A page of windows, newest first; `active` true: those covering now."""
        query: Select[Any] = self.windows.select()
        if site_id is not None:
            query = query.where(MaintenanceWindow.site_id == site_id)
        if device_id is not None:
            query = query.where(MaintenanceWindow.device_id == device_id)
        if active is not None:
            now = utcnow()
            covering = (MaintenanceWindow.starts_at <= now) & (MaintenanceWindow.ends_at > now)
            query = query.where(covering if active else ~covering)
        return await newest_first(self.session, query, MaintenanceWindow.id, params)

    async def add_window(self, data: s.MaintenanceWindowCreate) -> MaintenanceWindow:
        """Plan a window for a site or a device of the tenant."""
        if data.site_id is not None:
            await SiteRepository(self.session, self.tenant_id).get_reference(data.site_id,
                                                                              "site_id")
        if data.device_id is not None:
            await DeviceRepository(self.session, self.tenant_id).get_reference(data.device_id,
                                                                                "device_id")
        window = self.windows.add(MaintenanceWindow(
            site_id=data.site_id, device_id=data.device_id, starts_at=data.starts_at,
            ends_at=data.ends_at, reason=data.reason, created_by=self.actor))
        await self.session.commit()
        return window

    async def change_window(self, window_id: uuid.UUID,
                            data: s.MaintenanceWindowUpdate) -> MaintenanceWindow:
        """New times and reason of a window."""
        window = await self.windows.get(window_id)
        window.starts_at, window.ends_at, window.reason = (data.starts_at, data.ends_at,
                                                           data.reason)
        await self.session.commit()
        return window

    async def remove_window(self, window_id: uuid.UUID) -> None:
        """End a window now by deleting it."""
        await self.windows.delete(await self.windows.get(window_id))
        await self.session.commit()

    # ---- notification policies ------------------------------------------------------------

    async def _check_sites(self, site_ids: list[uuid.UUID]) -> None:
        sites = SiteRepository(self.session, self.tenant_id)
        for n, site_id in enumerate(site_ids):
            await sites.get_reference(site_id, f"site_ids[{n}]")

    async def _check_policy(self, data: s.NotificationPolicyFields) -> None:
        """Sites of the tenant and rules that exist: a typo would silence the policy."""
        for n, key in enumerate(data.rules):
            if key not in shipped_rules():
                raise InvalidRequestError(f"rules[{n}] {key!r}: no such alarm rule; "
                                          "GET /alarm-rules lists them")
        await self._check_sites(data.site_ids)

    @staticmethod
    def _stored(data: s.NotificationPolicyFields) -> dict[str, Any]:
        values = data.model_dump()
        values["site_ids"] = [str(site) for site in data.site_ids]  # JSON holds text
        return values

    async def add_policy(self, data: s.NotificationPolicyCreate) -> NotificationPolicy:
        """A new policy naming only sites of the tenant."""
        await self._check_policy(data)
        policy = self.policies.add(NotificationPolicy(**self._stored(data), updated_at=utcnow()))
        await commit_or_conflict(self.session, f"notification policy {data.name}: the name is "
                                 "taken; choose another")
        return policy

    async def change_policy(self, policy_id: uuid.UUID,
                            change: s.NotificationPolicyUpdate) -> NotificationPolicy:
        """Apply the given fields, then check the whole policy as if it were new."""
        policy = await self.policies.get(policy_id)
        current = s.NotificationPolicyCreate.model_fields
        merged = {name: getattr(policy, name) for name in current}
        merged.update(change.model_dump(exclude_unset=True))
        try:
            data = s.NotificationPolicyCreate.model_validate(merged)
        except ValueError as exc:
            raise InvalidRequestError(f"notification policy {policy_id}: the change leaves it "
                                      f"invalid: {_first_error(exc)}") from exc
        await self._check_policy(data)
        for name, value in self._stored(data).items():
            setattr(policy, name, value)
        policy.updated_at = utcnow()
        await commit_or_conflict(self.session, f"notification policy {data.name}: the name is "
                                 "taken; choose another")
        return policy

    async def remove_policy(self, policy_id: uuid.UUID) -> None:
        """Delete a policy (its pending messages go with it)."""
        await self.policies.delete(await self.policies.get(policy_id))
        await self.session.commit()

    # ---- site scope -----------------------------------------------------------------------

    async def user_sites(self, user_id: uuid.UUID) -> s.UserSitesPublic:
        """The sites a user of the tenant is bound to."""
        await UserRepository(self.session, self.tenant_id).get(user_id)
        return s.UserSitesPublic(user_id=user_id, site_ids=await sites_of_user(
            self.session, self.tenant_id, user_id))

    async def bind_user(self, user_id: uuid.UUID, data: s.UserSites) -> s.UserSitesPublic:
        """Replace the sites a user is bound to (audited); empty unbinds (every site)."""
        user = await UserRepository(self.session, self.tenant_id).get(user_id)
        role = Role(user.role)
        if user.id != self.principal.id and not can_grant(self.principal.permissions, role):
            raise ForbiddenError(f"user {user_id}: is {role.value}, a role carrying permissions "
                                 f"you do not hold, so you cannot change their sites")
        await self._check_sites(data.site_ids)
        before = await sites_of_user(self.session, self.tenant_id, user_id)
        await bind_user_to_sites(self.session, self.tenant_id, user_id, data.site_ids)
        AuditTrail(self.session, self.principal).record(
            "user.sites_change", "user", user_id, old=[str(x) for x in before],
            new=[str(x) for x in data.site_ids])
        await commit_or_conflict(self.session, f"user {user_id}: its sites changed at the same "
                                 "time; read them again and retry")
        return s.UserSitesPublic(user_id=user_id, site_ids=sorted(data.site_ids))


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
    return str(exc)
