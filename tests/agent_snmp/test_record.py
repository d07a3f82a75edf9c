"""`record`: walk the real snmpd into a scrubbed .snmprec, serve it with snmpsim, re-poll."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from edge_agent.poll import detect
from edge_agent.profiles import ProfileSet
from edge_agent.record import dump, live_golden, record_device
from edge_agent.snmp import SnmpTarget, SnmpV2c
from tests.agent_snmp.conftest import snmpd_target
from tests.services._proc import (
    ManagedProcess,
    free_port,
    is_root,
    require_venv_script,
    wait_until,
)
from tests.services.snmp import Snmpd, snmpget_ok

UNKNOWN_DEVICE = (
    "1.3.6.1.2.1.1.1.0|4|Acme FrobOS 1.0\n"
    "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.99999.7\n"
    "1.3.6.1.2.1.1.3.0|67|1234\n"
    "1.3.6.1.2.1.1.5.0|4|acme-1\n"
)


@pytest.fixture(scope="module")
async def recorded(
    snmpd: Snmpd, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict]:
    """The snmpd recording (+ an unknown device) served by a snmpsim of our own."""
    work = tmp_path_factory.mktemp("record")
    data = work / "data"
    paths = await record_device(snmpd_target(snmpd), data, "snmpd-rec")
    (data / "acme.snmprec").write_text(UNKNOWN_DEVICE)
    port = free_port(kind=2)
    argv = [require_venv_script("snmpsim-command-responder", "snmpsim"), f"--data-dir={data}",
            f"--cache-dir={work / 'index'}", f"--agent-udpv4-endpoint=127.0.0.1:{port}",
            "--log-level=error", f"--logging-method=file:{work / 'snmpsim.log'}"]
    if is_root():
        argv += ["--process-user=root", "--process-group=root"]
    process = ManagedProcess(argv, work / "snmpsim.out", env={"SNMPSIM_ALLOW_ROOT": "true"}).start()
    try:
        for community in ("snmpd-rec", "acme"):
            wait_until(lambda c=community: snmpget_ok(f"127.0.0.1:{port}", c), 60,
                       "own snmpsim", work / "snmpsim.out")
        yield {"port": port, "paths": paths}
    finally:
        process.stop()


def _target(port: int, community: str) -> SnmpTarget:
    return SnmpTarget("127.0.0.1", port, credentials=SnmpV2c(community), timeout=5, retries=0)


def test_recording_is_scrubbed(recorded: dict, snmpd: Snmpd) -> None:
    text = recorded["paths"].snmprec.read_text()
    assert "1.3.6.1.2.1.1.4.0|4|noc@example.net\n" in text
    assert "1.3.6.1.2.1.1.6.0|4|scrubbed-location\n" in text
    assert "test-pop\n" not in text.replace("snmpd-test-pop", "")  # sysLocation is gone
    assert snmpd.community not in text
    assert "|70|" in text and "|4x|" in text  # Counter64 and hex strings are kept typed


async def test_polling_the_recording_reproduces_its_golden(
    recorded: dict, profiles: ProfileSet
) -> None:
    golden = recorded["paths"].golden.read_text()
    assert json.loads(golden)["detect"]["profile"] == "linux"
    polled = dump(await live_golden("snmpd-rec", _target(recorded["port"], "snmpd-rec"), profiles))
    assert polled == golden


async def test_unknown_device_falls_back_to_generic(recorded: dict, profiles: ProfileSet) -> None:
    found = await detect(_target(recorded["port"], "acme"), profiles)
    assert (found.profile, found.vendor) == ("generic", "unknown")
    assert "1.3.6.1.4.1.99999.7" in found.reason and "Acme FrobOS" in found.reason


def test_record_paths_are_named_after_the_device(recorded: dict) -> None:
    paths = recorded["paths"]
    assert paths.snmprec.name == "snmpd-rec.snmprec"
    assert paths.golden.name == "snmpd-rec.golden.json"
