"""What a credential set of each kind must hold (pure: no database, no secrets read).

Checked on the *resulting* set (after a create, or a change merged into the stored set), from
the names of its fields: the values of secrets are never needed to decide.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from hub.errors import InvalidRequestError
from hub.inventory.credentials.schemas import PUBLIC_FIELDS, SECRET_FIELDS, CredentialKind


def _snmp_v2c(present: Collection[str]) -> str | None:
    if "community" not in present:
        return "community: required for an snmp_v2c set"
    return None


def _pair(present: Collection[str], proto: str, key: str) -> str | None:
    if (proto in present) != (key in present):
        missing = key if proto in present else proto
        return f"{missing}: give {proto} and {key} together"
    return None


def _snmp_v3(present: Collection[str]) -> str | None:
    if "user" not in present:
        return "user: required for an snmp_v3 set"
    problem = _pair(present, "auth_proto", "auth_key") or _pair(present, "priv_proto",
                                                                  "priv_key")
    if problem is None and "priv_proto" in present and "auth_proto" not in present:
        problem = ("priv_proto: privacy needs authentication; give auth_proto and auth_key "
                   "too (authPriv), or drop priv_proto and priv_key (authNoPriv)")
    return problem


def _ssh(present: Collection[str]) -> str | None:
    if "username" not in present:
        return "username: required for an ssh set"
    if "password" not in present and "private_key" not in present:
        return "password: an ssh set needs a password or a private_key (or both)"
    return None


_RULES: dict[str, Callable[[Collection[str]], str | None]] = {
    CredentialKind.SNMP_V2C: _snmp_v2c, CredentialKind.SNMP_V3: _snmp_v3,
    CredentialKind.SSH: _ssh,
}


def check_fields(kind: str, present: Collection[str]) -> None:
    """Refuse (422) a set of `kind` whose fields with a value are `present`: a field of
    another kind, or one the kind needs missing."""
    allowed = set(PUBLIC_FIELDS[kind]) | set(SECRET_FIELDS[kind])
    foreign = sorted(set(present) - allowed)
    if foreign:
        raise InvalidRequestError(f"{foreign[0]}: not a field of a {kind} credential set; it "
                                  f"takes {', '.join(PUBLIC_FIELDS[kind] + SECRET_FIELDS[kind])}")
    problem = _RULES[kind](present)
    if problem is not None:
        raise InvalidRequestError(problem)
