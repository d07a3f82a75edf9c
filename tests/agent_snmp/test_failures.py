"""SNMPv3, and every way a device can fail: each gives its code, the rest keeps polling."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from edge_agent.poll import PollErrorCode, PollFailure, detect, poll_device
from edge_agent.profiles import ProfileSet
from edge_agent.snmp import SnmpTarget, SnmpV2c, SnmpV3
from tests.agent_snmp.conftest import snmpd_target, snmpd_v3
from tests.agent_snmp.hostile import start_hostile
from tests.services.snmp import Snmpd


def _dead_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_v3_auth_priv_polls_real_snmpd(snmpd: Snmpd, profiles: ProfileSet) -> None:
    result = await poll_device("snmpd-v3", snmpd_v3(snmpd), profiles.get("linux"))
    assert result.errors == []
    assert result.facts is not None and result.facts.sys_name == "snmpd-test-pop"
    metrics = {s.metric for s in result.samples}
    assert {"sys_uptime_ticks", "if_hc_in_octets", "if_counter_discontinuity_ticks"} <= metrics
    v2c = await poll_device("snmpd", snmpd_target(snmpd), profiles.get("linux"))
    assert [s.labels for s in result.samples if s.metric == "if_hc_in_octets"] == [
        s.labels for s in v2c.samples if s.metric == "if_hc_in_octets"
    ]


async def test_v3_wrong_auth_key_is_auth_failed(snmpd: Snmpd, profiles: ProfileSet) -> None:
    target = snmpd_v3(snmpd, auth_key="not-the-right-key")
    result = await poll_device("snmpd-bad-key", target, profiles.get("linux"))
    assert [e.code for e in result.errors] == [PollErrorCode.AUTH_FAILED]
    detail = result.errors[0].detail
    assert "dotmacv3" in detail and "not-the-right-key" not in detail
    with pytest.raises(PollFailure) as caught:
        await detect(target, profiles)
    assert caught.value.error.code is PollErrorCode.AUTH_FAILED


async def test_v3_secrets_hidden_from_repr() -> None:
    target = SnmpTarget("h", credentials=SnmpV3("u", "SHA", "auth-secret", "AES", "priv-secret"))
    assert "secret" not in repr(target)
    assert "community-secret" not in repr(SnmpV2c("community-secret"))


async def test_dead_port_times_out_quickly(profiles: ProfileSet) -> None:
    target = SnmpTarget("127.0.0.1", _dead_port(), credentials=SnmpV2c("x"), timeout=0.3, retries=1)
    started = time.monotonic()
    result = await poll_device("dead", target, profiles.get("generic"))
    assert time.monotonic() - started < 1.5
    assert [e.code for e in result.errors] == [PollErrorCode.TIMEOUT]
    assert result.samples == [] and result.facts is None
    assert "0.3s x 2" in result.errors[0].detail


async def test_wrong_community_times_out_with_hint(snmpd: Snmpd, profiles: ProfileSet) -> None:
    target = snmpd_target(snmpd, community="wrong-community", timeout=0.3)
    with pytest.raises(PollFailure) as caught:
        await detect(target, profiles)
    assert caught.value.error.code is PollErrorCode.TIMEOUT
    assert "check the community" in caught.value.error.detail
    assert "wrong-community" not in caught.value.error.detail


async def test_unresolvable_host_is_unreachable(profiles: ProfileSet) -> None:
    target = SnmpTarget("no-such-device.invalid", credentials=SnmpV2c("x"), timeout=0.3, retries=0)
    result = await poll_device("ghost", target, profiles.get("generic"))
    assert [e.code for e in result.errors] == [PollErrorCode.UNREACHABLE]


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("garbage", PollErrorCode.BAD_RESPONSE),
        ("truncated", PollErrorCode.BAD_RESPONSE),
        ("not_increasing", PollErrorCode.OID_NOT_INCREASING),
        ("endless", PollErrorCode.TABLE_TOO_LONG),
    ],
)
async def test_hostile_agent_gets_its_code_while_others_keep_polling(
    snmpd: Snmpd, profiles: ProfileSet, mode: str, code: PollErrorCode
) -> None:
    _, transport, port = await start_hostile(mode)
    hostile = SnmpTarget("127.0.0.1", port, credentials=SnmpV2c("h"), timeout=0.3, retries=0)
    try:
        bad, good = await asyncio.gather(
            poll_device("hostile", hostile, profiles.get("generic"), max_rows=50),
            poll_device("snmpd", snmpd_target(snmpd), profiles.get("linux")),
        )
    finally:
        transport.close()
    assert bad.errors and {e.code for e in bad.errors} == {code}
    # what the agent answered correctly (its GET of sysUpTime) is kept
    assert [s.metric for s in bad.samples] == ["sys_uptime_ticks"]
    assert good.errors == [] and len(good.samples) > 20


async def test_agent_with_broken_getbulk_is_walked_with_getnext(profiles: ProfileSet) -> None:
    agent, transport, port = await start_hostile("bulk_broken")
    target = SnmpTarget("127.0.0.1", port, credentials=SnmpV2c("h"), timeout=0.3, retries=0)
    try:
        result = await poll_device("old-agent", target, profiles.get("generic"))
    finally:
        transport.close()
    assert result.errors == []
    assert agent.requests["GetBulkRequestPDU"] == 1  # one failure, then GETNEXT only
    assert agent.requests["GetNextRequestPDU"] > 5
    hc = [(s.labels, s.value) for s in result.samples if s.metric == "if_hc_in_octets"]
    assert hc == [({"ifIndex": str(i), "ifDescr": f"eth{i}"}, 2**40 + i) for i in (1, 2, 3)]
