"""Shared fixtures for the SNMP poller tests (real snmpd and snmpsim from tests/services)."""

from __future__ import annotations

import pytest

from edge_agent.profiles import ProfileSet, load_profiles
from edge_agent.snmp import SnmpTarget, SnmpV2c, SnmpV3
from tests.services.snmp import Snmpd, Snmpsim


@pytest.fixture(scope="session")
def profiles() -> ProfileSet:
    """The shipped firmware profiles."""
    return load_profiles()


def sim_target(snmpsim: Snmpsim, family: str, **kwargs: object) -> SnmpTarget:
    """Target for one curated recording served by the snmpsim fixture."""
    options: dict = {"timeout": 10.0, "retries": 0, **kwargs}
    return SnmpTarget(snmpsim.host, snmpsim.port,
                      credentials=SnmpV2c(snmpsim.communities[family]), **options)


def snmpd_target(snmpd: Snmpd, community: str | None = None, **kwargs: object) -> SnmpTarget:
    """v2c target for the real net-snmp agent."""
    options: dict = {"timeout": 2.0, "retries": 0, **kwargs}
    return SnmpTarget(snmpd.host, snmpd.port,
                      credentials=SnmpV2c(community or snmpd.community), **options)


def snmpd_v3(snmpd: Snmpd, auth_key: str | None = None, **kwargs: object) -> SnmpTarget:
    """v3 authPriv target for the real net-snmp agent (optionally with a wrong key)."""
    user = snmpd.v3
    creds = SnmpV3(user.name, "SHA-256", auth_key or user.auth_key, "AES", user.priv_key)
    options: dict = {"timeout": 2.0, "retries": 0, **kwargs}
    return SnmpTarget(snmpd.host, snmpd.port, credentials=creds, **options)
