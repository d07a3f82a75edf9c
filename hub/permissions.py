"""Roles and permissions as data: the one matrix every check and the docs table read.

A route names the dependency that requires a permission after it, in one way everywhere:
`SitesRead = Annotated[Principal, RequirePermission("sites:read")]`,
`BillingAnalyticsRead` for `billing_analytics:read` (tests/hub/test_permissions_doc.py).
The permission strings themselves are stored in API keys' scopes: they never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    """What a person does for the ISP; each role maps to a fixed set of permissions."""

    OWNER = "owner"
    ADMIN = "admin"
    NOC = "noc"
    BILLING = "billing"
    SUPPORT = "support"
    FIELD_TECH = "field_tech"
    CUSTOMER = "customer"


PERMISSIONS: dict[str, str] = {
    "tenant:read": "See the tenant's name",
    "tenant:write": "Rename the tenant",
    "tenants:manage": "Create, list, read, suspend and reactivate the tenants beneath yours "
                      "(the platform: ISPs and their resellers; an ISP: its resellers), "
                      "never their data; a reseller has none",
    "users:read": "List and view users",
    "users:write": "Create users, change roles, deactivate users",
    "api_keys:read": "List and view API keys (never their secrets)",
    "api_keys:write": "Issue and revoke API keys",
    "sites:read": "List and view sites (POPs)",
    "sites:write": "Create, change and delete sites",
    "agents:read": "List and view edge agents",
    "agents:write": "Register, rename, revoke and delete edge agents",
    "agents:enroll": "Issue one-time enrollment tokens that create agents with broker logins",
    "devices:read": "List and view devices",
    "devices:write": "Create, change and delete devices",
    "credentials:read": "List and view SNMP/SSH credential sets (never their secrets)",
    "credentials:manage": "Create, change, rotate and delete SNMP/SSH credential sets",
    "audit:read": "Query the security audit log",
    "analytics:read": "Read traffic, availability, agent health and 95th percentile analytics",
    "billing:read": "List and view customers, plans, subscriptions, invoices, payments, ledger",
    "billing:write": "Change billing data: subscriptions, billing runs, payments, refunds, dunning",
    "billing_analytics:read": "Read business analytics: MRR, ARPU, churn, revenue by plan, "
                              "receivables aging, customers in dunning",
    "tickets:read": "List and view support tickets",
    "tickets:write": "Open, update, assign and comment on support tickets",
    "portal:read": "Portal: the caller's own customer profile, subscriptions, usage, "
                   "invoices (PDF), payments and tickets",
    "portal:write": "Portal: change the caller's own contact details; open and comment on "
                    "its tickets",
    "jobs:read": "List and view provisioning jobs and their history",
    "jobs:write": "Create and cancel provisioning jobs (suspend, resume, change plan...)",
    "config_versions:read": "List device configuration backups and their diffs",
    "webhooks:read": "List webhook endpoints (never their secrets) and their deliveries",
    "webhooks:manage": "Add, change, delete, test webhook endpoints, rotate secrets, redeliver",
    "alarms:read": "List and view alarms with their history, the alarm rules in effect and "
                   "device events (traps, syslog); a user bound to sites sees only theirs",
    "alarms:write": "Work alarms: acknowledge, unacknowledge, comment, shelve, close",
    "alarms:manage": "Tune alarm rules, plan maintenance windows, set notification policies",
    "schedules:read": "List schedules (billing runs, dunning, retention...) with their last "
                      "and next runs and failures",
    "schedules:write": "Change schedules: time, time zone, pause, resume, run now",
    "access:read": "List NAS devices (never their secrets), subscriber logins and online "
                   "sessions",
    "access:write": "Register NAS devices, set subscriber credentials, disconnect sessions",
    "ipam:read": "List IP prefixes, pools, allocations, VLAN pools and their utilization",
    "ipam:write": "Create prefixes, pools and VLAN pools; allocate, reserve and release",
}

_INVENTORY_READ = {"tenant:read", "sites:read", "agents:read", "devices:read"}
# Provisioning changes customer ports: the people operating the network, not billing.
_PROVISIONING = {"jobs:read", "jobs:write", "config_versions:read"}
# Whoever adds devices must see which credential sets exist to refer to one; only the NOC
# (and admins) create and rotate them: field techs pick sets, they do not hold the secrets.
_CREDENTIALS_PICK = {"credentials:read"}
_CREDENTIALS_MANAGE = {"credentials:read", "credentials:manage"}
# The NOC runs the alarm desk and tunes it; field techs work the alarms of the sites they are
# bound to (user_sites) but do not change what raises or who is told; support reads alarms to
# tell a calling customer about an outage. Billing gets none: its staff act on accounts, and
# what an outage does to a customer reaches them as a ticket (tickets:read).
_ALARMS_WORK = {"alarms:read", "alarms:write"}
_ALARMS_ALL = _ALARMS_WORK | {"alarms:manage"}
# Subscriber access: the NOC runs NAS devices and address plans; support sees who is online
# and may disconnect a session for a calling customer; billing sees sessions (usage) and
# runs the billing schedules.
_ACCESS_ALL = {"access:read", "access:write"}
_IPAM_ALL = {"ipam:read", "ipam:write"}

# Owners and admins hold tenants:manage: what it reaches follows the tenant's level (the
# platform's ISPs and their resellers, an ISP's resellers, nothing for a reseller), so the
# platform owner is the owner of the platform tenant, not a role of its own (docs/tenants.md).
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OWNER: frozenset(PERMISSIONS),
    Role.ADMIN: frozenset(PERMISSIONS) - {"tenant:write"},
    # Enrollment mints broker credentials: owners and admins only, like API keys.
    Role.NOC: frozenset(_INVENTORY_READ | {"devices:write", "agents:write", "analytics:read"}
                        | _PROVISIONING | _CREDENTIALS_MANAGE | _ALARMS_ALL
                        | _ACCESS_ALL | _IPAM_ALL | {"schedules:read"}),
    Role.BILLING: frozenset({"tenant:read", "sites:read", "devices:read", "analytics:read",
                             "billing:read", "billing:write", "billing_analytics:read",
                             "tickets:read", "webhooks:read", "schedules:read",
                             "schedules:write", "access:read"}),
    Role.SUPPORT: frozenset(_INVENTORY_READ | {"users:read", "analytics:read", "billing:read",
                                               "tickets:read", "tickets:write",
                                               "jobs:read", "alarms:read", "ipam:read"}
                            | _ACCESS_ALL),
    Role.FIELD_TECH: frozenset(_INVENTORY_READ | {"devices:write", "agents:write",
                                                  "analytics:read"} | _PROVISIONING
                               | _CREDENTIALS_PICK | _ALARMS_WORK
                               | {"access:read", "ipam:read"}),
    # A portal user sees only what belongs to its customer account (user.customer_id).
    Role.CUSTOMER: frozenset({"portal:read", "portal:write"}),
}


def permissions_for(roles: Iterable[str]) -> frozenset[str]:
    """Union of the permissions of the given role names (unknown names grant nothing)."""
    granted: set[str] = set()
    for name in roles:
        if name in Role.__members__.values():
            granted |= ROLE_PERMISSIONS[Role(name)]
    return frozenset(granted)


def can_grant(granter: frozenset[str], role: Role) -> bool:
    """A role may be given only by someone holding every permission it carries."""
    return ROLE_PERMISSIONS[role] <= granter
