"""`record`: walk a device into a scrubbed `.snmprec` plus the golden poll result.

A profile author runs it against a customer's box, serves the `.snmprec` with snmpsim
and gets a test fixture for a new device family. The golden file is computed from the
scrubbed walk with the same pure mapping the poller uses, so polling the recording
through snmpsim must reproduce it exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edge_agent.poll import PollResult, plan_poll
from edge_agent.profiles import DetectResult, Profile, ProfileSet, load_profiles
from edge_agent.profiles.facts import SYS_DESCR, SYS_OBJECT_ID, device_facts, instance_oids
from edge_agent.profiles.mapping import Cell, column, profile_samples, text
from edge_agent.snmp import ber
from edge_agent.snmp.ber import Oid, Varbind
from edge_agent.snmp.session import open_session
from edge_agent.snmp.target import SnmpTarget, SnmpV2c
from edge_agent.snmp.walk import Walker

SYS_CONTACT = (1, 3, 6, 1, 2, 1, 1, 4, 0)
SYS_LOCATION = (1, 3, 6, 1, 2, 1, 1, 6, 0)
RECORD_MAX_ROWS = 500_000
IPV4 = re.compile(rb"\b(?:\d{1,3}\.){3}\d{1,3}\b")
PLACEHOLDER_IP = b"192.0.2.1"  # TEST-NET-1, RFC 5737
NORMALISED_TS = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Paths:
    """Files written by `record_device`."""

    snmprec: Path
    golden: Path


def scrub(varbinds: list[Varbind], secrets: tuple[bytes, ...] = ()) -> list[Varbind]:
    """Replace contact, location, secrets (community) and sysDescr IPs by placeholders."""
    out: list[Varbind] = []
    for oid, tag, value in varbinds:
        if oid == SYS_CONTACT:
            value = b"noc@example.net"
        elif oid == SYS_LOCATION:
            value = b"scrubbed-location"
        elif oid == SYS_DESCR and isinstance(value, bytes):
            value = IPV4.sub(PLACEHOLDER_IP, value)
        elif isinstance(value, bytes) and any(s and s in value for s in secrets):
            value = b"scrubbed"
        out.append((oid, tag, value))
    return out


def _printable(value: bytes) -> bool:
    return all(0x20 <= b < 0x7F for b in value)


def snmprec_line(oid: Oid, tag: int, value: ber.Value) -> str | None:
    """One `.snmprec` line (`oid|tag|value`), None for exceptions snmpsim cannot hold."""
    name = ber.oid_str(oid)
    if tag in ber.EXCEPTIONS:
        return None
    if tag == ber.NULL:
        return f"{name}|5|"
    if tag == ber.OBJECT_ID and isinstance(value, tuple):
        return f"{name}|6|{ber.oid_str(value)}"
    if tag == ber.IP_ADDRESS and isinstance(value, bytes) and len(value) == 4:
        return f"{name}|64|{'.'.join(map(str, value))}"
    if isinstance(value, bytes):
        if tag == ber.OCTET_STRING and _printable(value):
            return f"{name}|4|{value.decode('ascii')}"
        return f"{name}|{tag}x|{value.hex()}"
    return f"{name}|{tag}|{value}"


def write_snmprec(path: Path, varbinds: list[Varbind]) -> None:
    """Write varbinds, sorted by OID, in snmpsim's `.snmprec` format."""
    lines = (snmprec_line(*vb) for vb in sorted(varbinds, key=lambda vb: vb[0]))
    path.write_text("".join(line + "\n" for line in lines if line is not None))


def offline_detect(profiles: ProfileSet, by_oid: dict[Oid, Cell]) -> DetectResult:
    """Detection from recorded values (same rules as the live `detect`)."""
    def value(oid: Oid) -> str:
        cell = by_oid.get(oid)
        return text(*cell) if cell else ""

    snmpget = {o: value(ber.parse_oid(o)) or None for o in profiles.snmpget_oids()}
    found = profiles.detect(value(SYS_OBJECT_ID), value(SYS_DESCR), snmpget)
    if found is not None:
        return found
    return DetectResult(profiles.fallback.name, profiles.fallback.vendor, "no profile matched")


def offline_poll(
    device: str, address: str, profile: Profile, varbinds: list[Varbind]
) -> PollResult:
    """What `poll_device` returns for an agent serving exactly `varbinds`."""
    by_oid = {oid: (tag, value) for oid, tag, value in varbinds}
    ordered = sorted(varbinds, key=lambda vb: vb[0])
    gets, walks = plan_poll(profile, None, True)
    scalars = {oid: by_oid[oid] for oid in gets if oid in by_oid}
    columns = {root: column(root, [vb for vb in ordered if vb[0][: len(root)] == root])
               for root in walks}
    scalars.update({o: by_oid[o] for o in instance_oids(profile, columns) if o in by_oid})
    ts = datetime.now(UTC)
    result = PollResult(device, profile.name)
    result.samples = profile_samples(profile, scalars, columns, device, ts)
    result.facts = device_facts(device, address, profile, scalars, columns)
    return result


def golden_document(result: PollResult, detected: DetectResult | None = None) -> dict[str, Any]:
    """A poll result as stable JSON: timestamps, address and timings normalised."""
    samples = [s.model_dump(mode="json") | {"ts": NORMALISED_TS} for s in result.samples]
    facts = None
    if result.facts is not None:
        facts = result.facts.model_dump(mode="json") | {"address": "<address>"}
    doc: dict[str, Any] = {
        "device": result.device,
        "profile": result.profile,
        "errors": [{"code": e.code.value, "detail": e.detail} for e in result.errors],
        "facts": facts,
        "samples": samples,
    }
    if detected is not None:
        doc["detect"] = {"profile": detected.profile, "vendor": detected.vendor,
                         "reason": detected.reason}
    return doc


def dump(doc: dict[str, Any]) -> str:
    """Canonical JSON text for golden files (stable key order, trailing newline)."""
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


async def record_device(
    target: SnmpTarget, out_dir: Path, name: str, profiles: ProfileSet | None = None
) -> Paths:
    """Walk `target` into `<out_dir>/<name>.snmprec` and `<name>.golden.json`."""
    profiles = profiles or load_profiles()
    walker = Walker.for_session(open_session(target), RECORD_MAX_ROWS)
    secrets = (target.credentials.community.encode(),) if isinstance(
        target.credentials, SnmpV2c) else ()
    varbinds: list[Varbind] = []
    for root in ((1, 0), (1, 2), (1, 3)):
        varbinds += await walker.walk(root)
    varbinds = scrub(varbinds, secrets)
    by_oid = {oid: (tag, value) for oid, tag, value in varbinds}
    detected = offline_detect(profiles, by_oid)
    result = offline_poll(name, target.address, profiles.get(detected.profile), varbinds)
    return _write(out_dir, name, varbinds, golden_document(result, detected))


def _write(out_dir: Path, name: str, varbinds: list[Varbind], golden: dict[str, Any]) -> Paths:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = Paths(out_dir / f"{name}.snmprec", out_dir / f"{name}.golden.json")
    write_snmprec(paths.snmprec, varbinds)
    paths.golden.write_text(dump(golden))
    return paths


async def live_golden(device: str, target: SnmpTarget, profiles: ProfileSet) -> dict[str, Any]:
    """Detect and poll a live agent; the golden document of what came back."""
    from edge_agent.poll import detect, poll_device

    detected = await detect(target, profiles)
    result = await poll_device(device, target, profiles.get(detected.profile))
    return golden_document(result, detected)
