"""Discoveries pushed by the hub, swept against real SNMP agents.

snmpsim serves every curated recording on 127.0.0.1 (one community each) and the suite's
snmpd listens on 127.0.0.1 on a port of its own. To sweep a *range* that holds two
different devices on one port, this module starts a second net-snmp snmpd on 127.0.0.2
with snmpsim's port: 127.0.0.0/30 then holds the Cisco recording (.1, its community) and
a Linux snmpd (.2, another community), so one request with both credential sets finds
both, each through the set that works. The v3 user is swept on the suite's snmpd.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

from edge_agent.discovery_runner import (
    MAX_ADDRESSES,
    STATE_FILE,
    DiscoveryError,
    DiscoveryProgress,
    DiscoveryRunner,
    _Finished,
    _FinishedStore,
    expand_hosts,
)
from edge_agent.poll import detect
from edge_agent.profiles import ProfileSet
from protocol import DiscoveryCandidate, DiscoveryReport
from protocol.edge_config import DiscoveryRequest, SnmpV2cCredential, SnmpV3Credential
from tests.agent_snmp.conftest import sim_target
from tests.agent_snmp.hostile import start_hostile
from tests.services._proc import ManagedProcess, require_binary, wait_until
from tests.services.snmp import SNMP_ENV, Snmpd, Snmpsim, snmpget_ok

SECOND_HOST = "127.0.0.2"
SECOND_COMMUNITY = "disc-linux"
SECOND_NAME = "discovery-second-snmpd"


@pytest.fixture(scope="module")
def second_snmpd(snmpsim: Snmpsim, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """net-snmp on 127.0.0.2, same UDP port as snmpsim; yields its community."""
    workdir = tmp_path_factory.mktemp("second-snmpd")
    conf = workdir / "snmpd.conf"
    conf.write_text(f"rocommunity {SECOND_COMMUNITY} 127.0.0.0/8\nsysName {SECOND_NAME}\n")
    log = workdir / "snmpd.log"
    argv = [require_binary("snmpd", "snmpd", ("/usr/sbin",)), "-f", "-C", "-c", str(conf),
            "-Lf", str(log), "-m", "", "-p", str(workdir / "snmpd.pid"),
            f"udp:{SECOND_HOST}:{snmpsim.port}"]
    env = {**SNMP_ENV, "SNMP_PERSISTENT_DIR": str(workdir / "persist")}
    process = ManagedProcess(argv, log, env=env).start()
    try:
        wait_until(lambda: snmpget_ok(f"{SECOND_HOST}:{snmpsim.port}", SECOND_COMMUNITY),
                   30, "second snmpd", log)
        yield SECOND_COMMUNITY
    finally:
        process.stop()


class Reports:
    """The runner's `emit`: keeps every progress and lets a test wait for a state."""

    def __init__(self) -> None:
        self.items: list[DiscoveryProgress] = []
        self.changed = asyncio.Condition()

    async def __call__(self, progress: DiscoveryProgress) -> None:
        # Every progress must make a valid protocol report (what the runtime sends).
        DiscoveryReport(agent_id="agent-1", seq=len(self.items), ts=datetime.now(UTC),
                        discovery_id=progress.discovery_id,
                        scanned=progress.scanned, total=progress.total, done=progress.done,
                        candidates=progress.candidates, error=progress.error)
        async with self.changed:
            self.items.append(progress)
            self.changed.notify_all()

    def of(self, discovery_id: UUID) -> list[DiscoveryProgress]:
        """Progress of one discovery, in emit order."""
        return [p for p in self.items if p.discovery_id == discovery_id]

    def candidates(self, discovery_id: UUID) -> list[DiscoveryCandidate]:
        """Every candidate reported for one discovery."""
        return [c for p in self.of(discovery_id) for c in p.candidates]

    async def until(self, check: Callable[[], bool], deadline_s: float = 90.0) -> None:
        """Wait (generously: CI is busy) until `check` holds."""
        async with asyncio.timeout(deadline_s), self.changed:
            await self.changed.wait_for(check)

    async def done(self, discovery_id: UUID) -> DiscoveryProgress:
        """Wait for the final progress of one discovery."""
        await self.until(lambda: any(p.done for p in self.of(discovery_id)))
        return self.of(discovery_id)[-1]


def v2c(community: str) -> SnmpV2cCredential:
    """A pushed v2c credential set with a fresh id."""
    return SnmpV2cCredential(id=uuid.uuid4(), community=community)


def request(cidrs: list[str], port: int, *creds: UUID, **options: object) -> DiscoveryRequest:
    """A pushed discovery request with a fresh id."""
    options = {"timeout_s": 5.0, **options}
    return DiscoveryRequest(id=uuid.uuid4(), cidrs=cidrs, credentials=list(creds), port=port,
                            **options)  # type: ignore[arg-type]


def dead_port() -> int:
    """A UDP port nobody answers on."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_range_finds_recording_and_snmpd_through_the_set_that_works(
    tmp_path: Path, profiles: ProfileSet, snmpsim: Snmpsim, second_snmpd: str
) -> None:
    cisco, linux = v2c(snmpsim.communities["cisco-ios"]), v2c(second_snmpd)
    wanted = request(["127.0.0.0/30"], snmpsim.port, cisco.id, linux.id)
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports, progress_every=1)
    runner.sync([wanted], {cisco.id: cisco, linux.id: linux})
    final = await reports.done(wanted.id)
    await runner.close()

    assert final.error is None and final.scanned == final.total == 2
    steps = reports.of(wanted.id)
    assert [p.scanned for p in steps] == [0, 1, 2, 2] and [p.done for p in steps][-1]
    found = {c.address: c for c in reports.candidates(wanted.id)}
    assert sorted(found) == ["127.0.0.1", SECOND_HOST]
    router, server = found["127.0.0.1"], found[SECOND_HOST]
    expected = await detect(sim_target(snmpsim, "cisco-ios"), profiles)
    assert (router.profile, router.reason, router.credential) == (
        "cisco_ios", expected.reason, cisco.id)
    assert router.sys_name == "DUMSYS-04" and router.sys_object_id == "1.3.6.1.4.1.9.1.617"
    assert router.port == snmpsim.port and "C3560" in (router.sys_descr or "")
    assert (server.profile, server.credential, server.sys_name) == ("linux", linux.id,
                                                                    SECOND_NAME)
    assert server.reason and server.vendor


async def test_model_serial_and_snmpv3(tmp_path: Path, profiles: ProfileSet, snmpsim: Snmpsim,
                                       snmpd: Snmpd) -> None:
    junos = v2c(snmpsim.communities["juniper-junos"])
    user = snmpd.v3
    v3 = SnmpV3Credential(id=uuid.uuid4(), user=user.name, auth_proto="SHA-256",
                          auth_key=user.auth_key, priv_proto="AES", priv_key=user.priv_key)
    mx = request(["127.0.0.1/32"], snmpsim.port, junos.id)
    pop = request(["127.0.0.1"], snmpd.port, v3.id)
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports)
    runner.sync([mx, pop], {junos.id: junos, v3.id: v3})
    await reports.done(mx.id)
    await reports.done(pop.id)
    await runner.close()

    [router] = reports.candidates(mx.id)
    assert (router.profile, router.vendor, router.model, router.serial) == (
        "juniper_mx", "Juniper", "mx960", "JN12002C1AFA")
    [server] = reports.candidates(pop.id)
    assert (server.profile, server.credential, server.sys_name) == (
        "linux", v3.id, "snmpd-test-pop")


async def test_wrong_community_finds_nothing_and_completes(
    tmp_path: Path, profiles: ProfileSet, snmpsim: Snmpsim, second_snmpd: str
) -> None:
    wrong = v2c("not-a-community-here")
    wanted = request(["127.0.0.1/32", f"{SECOND_HOST}/32"], snmpsim.port, wrong.id,
                     timeout_s=0.5)
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports)
    runner.sync([wanted], {wrong.id: wrong})
    final = await reports.done(wanted.id)
    await runner.close()
    assert (final.scanned, final.total, final.error) == (2, 2, None)
    assert reports.candidates(wanted.id) == []


async def test_restart_and_repush_rereport_without_sweeping(
    tmp_path: Path, profiles: ProfileSet, snmpsim: Snmpsim
) -> None:
    junos = v2c(snmpsim.communities["juniper-junos"])
    wanted = request(["127.0.0.1/32"], snmpsim.port, junos.id)
    first = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, first)
    runner.sync([wanted], {junos.id: junos})
    await first.done(wanted.id)
    found = first.candidates(wanted.id)
    assert len(found) == 1 and runner.finished(wanted.id)
    # A re-push of the same request: reported again as done, nothing swept.
    runner.sync([wanted], {junos.id: junos})
    await first.until(lambda: len([p for p in first.of(wanted.id) if p.done]) == 2)
    assert [p.scanned for p in first.of(wanted.id) if not p.done] == [0]
    await runner.close()

    # A new runner on the same state: no credentials at all, so a sweep would end in an
    # error; the re-report carries the recorded counts and candidates instead.
    again = Reports()
    restarted = DiscoveryRunner(tmp_path, profiles, again)
    restarted.sync([wanted], {})
    final = await again.done(wanted.id)
    await restarted.close()
    assert [p.done for p in again.of(wanted.id)] == [True]
    assert (final.scanned, final.total, final.error) == (1, 1, None)
    assert final.candidates == found
    # Once the hub stops listing it, its candidates leave the state file (the id stays).
    restarted.sync([], {})
    state = json.loads((tmp_path / STATE_FILE).read_text())
    assert state["finished"][str(wanted.id)]["candidates"] == []


async def test_sync_without_the_request_cancels_the_sweep(tmp_path: Path,
                                                          profiles: ProfileSet) -> None:
    silent = v2c("nobody-answers")
    wanted = request(["127.0.1.0/24"], dead_port(), silent.id, timeout_s=1.0, concurrency=1)
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports, progress_every=1)
    runner.sync([wanted], {silent.id: silent})
    await reports.until(lambda: len(reports.of(wanted.id)) >= 1)
    assert runner.active() == [wanted.id]
    runner.sync([], {})
    assert runner.active() == []
    await runner.close()  # waits for the cancelled sweep to unwind
    emitted = len(reports.of(wanted.id))
    assert not any(p.done for p in reports.of(wanted.id))
    assert not runner.finished(wanted.id)
    assert emitted < 254
    # Listed again later, it starts over (a cancelled sweep is not remembered).
    runner.sync([wanted], {silent.id: silent})
    assert runner.active() == [wanted.id]
    await runner.close()


async def test_unknown_family_is_generic_and_says_why(tmp_path: Path,
                                                      profiles: ProfileSet) -> None:
    _, transport, port = await start_hostile("garbage")  # GETs fine, walks garbage
    cred = v2c("h")
    wanted = request(["127.0.0.1/32"], port, cred.id)
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports)
    try:
        runner.sync([wanted], {cred.id: cred})
        final = await reports.done(wanted.id)
    finally:
        await runner.close()
        transport.close()
    assert final.error is None
    [found] = reports.candidates(wanted.id)
    assert (found.profile, found.sys_name, found.sys_object_id) == (
        "generic", "hostile", "1.3.6.1.4.1.99999.1")
    assert "no profile matched sysObjectID 1.3.6.1.4.1.99999.1" in found.reason


@pytest.mark.parametrize(("cidrs", "creds_known", "fragment"), [
    (["10.0.0.0/15"], True, "131072 addresses requested"),
    (["10.0.0.0/24", "not-a-network"], True, "cidrs[1] 'not-a-network': not a network"),
    (["127.0.0.1/32"], False, "none of the request's credential sets"),
])
async def test_refused_requests_end_with_an_error(
    tmp_path: Path, profiles: ProfileSet, cidrs: list[str], creds_known: bool, fragment: str
) -> None:
    cred = v2c("whatever")
    wanted = request(cidrs, 161, cred.id)
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports)
    runner.sync([wanted], {cred.id: cred} if creds_known else {})
    final = await reports.done(wanted.id)
    await runner.close()
    assert final.error is not None and fragment in final.error
    assert final.scanned == 0 and final.candidates == []
    assert runner.finished(wanted.id)  # a refused request is not retried on every push


async def test_rereport_splits_candidates_into_reports_of_200(
    tmp_path: Path, profiles: ProfileSet
) -> None:
    discovery_id, cred = uuid.uuid4(), uuid.uuid4()
    many = [DiscoveryCandidate(address=f"10.0.{i // 250}.{i % 250 + 1}", credential=cred,
                               profile="generic") for i in range(450)]
    _FinishedStore(tmp_path / STATE_FILE).record(
        _Finished(discovery_id, 512, 512, None, "2026-01-01T00:00:00+00:00", many))
    reports = Reports()
    runner = DiscoveryRunner(tmp_path, profiles, reports)
    wanted = DiscoveryRequest(id=discovery_id, cidrs=["10.0.0.0/23"], credentials=[cred])
    runner.sync([wanted], {})
    await reports.done(discovery_id)
    await runner.close()
    steps = reports.of(discovery_id)
    assert [len(p.candidates) for p in steps] == [200, 200, 50]
    assert [p.done for p in steps] == [False, False, True]
    assert reports.candidates(discovery_id) == many


def test_expand_hosts() -> None:
    assert expand_hosts(["192.0.2.0/30"]) == ["192.0.2.1", "192.0.2.2"]
    assert expand_hosts(["192.0.2.4/31", "192.0.2.9"]) == ["192.0.2.4", "192.0.2.5", "192.0.2.9"]
    assert expand_hosts(["2001:db8::/126"]) == [
        "2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3"]
    assert expand_hosts(["192.0.2.0/30", "192.0.2.1/32"]) == ["192.0.2.1", "192.0.2.2"]
    assert len(expand_hosts(["10.0.0.0/16"])) == MAX_ADDRESSES - 2
    with pytest.raises(DiscoveryError, match="at most 65536"):
        expand_hosts(["10.0.0.0/16", "10.1.0.0/32"])
