"""`dotmac-agent doctor`: one line per thing that can stop an agent, each with a verdict.

Checks never print secrets. A FAIL line says what to do about it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from edge_agent.config import AgentConfig, ConfigError, load_config
from edge_agent.delivery import BrokerSettings
from edge_agent.poll import PollFailure, detect
from edge_agent.profiles import ProfileError, ProfileSet, load_profiles
from edge_agent.queue import SqliteQueue
from edge_agent.runtime import QUEUE_FILE, STATUS_FILE, broker_settings

OK, WARN, FAIL = "ok", "warn", "fail"
OLDEST_QUEUED_WARN_S = 600.0
STATUS_STALE_S = 30.0
BROKER_ANSWER_S = 5.0  # how long the broker check waits for the CONNACK
EARLIEST_SANE_YEAR = 2025  # boxes without an RTC battery boot in 1970 or at build date
CLOCK_FAIL_S = 300.0  # half the hub's default future bound (DOTMAC_HUB_INGEST_MAX_FUTURE_S)


@dataclass(frozen=True)
class Check:
    """One doctor line."""

    name: str
    verdict: str
    detail: str
    fix: str = ""


def check_clock(now: datetime | None = None, hub_now: datetime | None = None) -> Check:
    """The clock must be plausible, close to the hub's (when the hub's time is known) and,
    where we can tell, NTP-synchronised. The hub quarantines telemetry stamped more than
    its bounds (10 minutes ahead, 7 days behind by default) from its own time."""
    now = now or datetime.now(UTC)
    if now.year < EARLIEST_SANE_YEAR:
        return Check("clock", FAIL, f"system time is {now:%Y-%m-%d}",
                     "enable NTP (timedatectl set-ntp true); samples carry this timestamp")
    if hub_now is not None:
        off = (now - hub_now).total_seconds()
        if abs(off) > CLOCK_FAIL_S:
            return Check("clock", FAIL, f"{now:%Y-%m-%d %H:%M:%S} UTC is {abs(off):.0f}s "
                         f"{'ahead of' if off > 0 else 'behind'} the hub's "
                         f"{hub_now:%Y-%m-%d %H:%M:%S} UTC",
                         "enable NTP (timedatectl set-ntp true); the hub quarantines "
                         "telemetry stamped this far off (future_timestamp/past_timestamp)")
    synced = _ntp_synchronised()
    if synced is False:
        return Check("clock", WARN, f"{now:%Y-%m-%d %H:%M:%S} UTC, NTP not synchronised",
                     "check chrony/systemd-timesyncd can reach an NTP server")
    note = "NTP synchronised" if synced else "NTP state unknown (no timedatectl)"
    return Check("clock", OK, f"{now:%Y-%m-%d %H:%M:%S} UTC, {note}")


def hub_time(hub_url: str | None, timeout_s: float = 5.0) -> datetime | None:
    """The hub API's clock, from the `Date` header of any answer (RFC 9110 makes an origin
    server with a clock send it; uvicorn always does). None when no hub URL is set
    (`DOTMAC_AGENT_HUB_URL`, the one `enroll --hub` reads) or the hub does not answer:
    the agent's own protocols (MQTT, SNMP) carry no trusted time."""
    if not hub_url:
        return None
    try:
        answer = httpx.head(hub_url.rstrip("/") + "/healthz", timeout=timeout_s)
        date = answer.headers.get("date")
        return parsedate_to_datetime(date).astimezone(UTC) if date else None
    except (httpx.HTTPError, ValueError, TypeError):
        return None


def _ntp_synchronised() -> bool | None:
    binary = shutil.which("timedatectl")
    if binary is None:
        return None
    out = subprocess.run([binary, "show", "-p", "NTPSynchronized", "--value"],
                         capture_output=True, text=True, timeout=5, check=False)
    if out.returncode != 0:
        return None
    return out.stdout.strip() == "yes"


async def check_broker(config: AgentConfig) -> Check:
    """Log in exactly as the agent does: its username, password and client id.

    The broker binds an enrolled login to its client id, so no other id can prove the login
    works; and a second connection with that id would take the running agent's session
    over. So a running, connected agent is the proof, and the doctor connects only when the
    agent is not connected (keeping the session and every command queued in it)."""
    b = broker_settings(config)
    where = f"{b.host}:{b.port}{' (TLS)' if _uses_tls(b) else ''}"
    if _agent_connected(config):
        return Check("broker", OK, f"{where} accepted {b.username}: the running agent is "
                     "connected")
    try:
        reason = await asyncio.to_thread(_try_login, b, config.agent.id)
    except OSError as exc:
        return Check("broker", FAIL, f"{where} unreachable: {exc!r}",
                     "check the WAN link, DNS, firewall and broker.host/port")
    if reason is None:
        return Check("broker", FAIL, f"{where} did not answer the login",
                     "check broker.host/port point at the MQTT broker")
    if reason.is_failure:
        return Check("broker", FAIL, f"{where} refused {b.username}: {reason}",
                     "check broker.password (DOTMAC_AGENT_BROKER_PASSWORD) and agent.id "
                     "(the login only works with its own id), or re-enroll")
    return Check("broker", OK, f"{where} accepted {b.username}")


def _uses_tls(b: BrokerSettings) -> bool:
    return bool(b.tls or b.tls_ca_file)  # as the agent's delivery decides


def _try_login(b: BrokerSettings, client_id: str) -> ReasonCode | None:
    """CONNECT and DISCONNECT with the agent's own session (clean start off, its expiry),
    acknowledging nothing: commands waiting in the session stay there for the agent."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5, manual_ack=True)
    client.username_pw_set(b.username, b.password)
    if _uses_tls(b):
        client.tls_set(ca_certs=str(b.tls_ca_file) if b.tls_ca_file else None)
    answers: list[ReasonCode] = []
    client.on_connect = lambda _c, _u, _f, reason, _p: answers.append(reason)
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = b.session_expiry_s
    client.connect(b.host, b.port, keepalive=b.keepalive_s, clean_start=False,
                   properties=props)
    deadline = time.monotonic() + BROKER_ANSWER_S
    while not answers and time.monotonic() < deadline:
        client.loop(timeout=0.1)
    client.disconnect()
    client.loop(timeout=0.1)  # let paho see the broker close the socket
    return answers[0] if answers else None


async def check_device(config: AgentConfig, profiles: ProfileSet, name: str) -> list[Check]:
    """The device's checks: SNMP reach and profile, SSH login, as its `telemetry` says."""
    device = config.device(name)
    checks = [await check_snmp(config, profiles, name)] if device.polls_snmp else []
    if device.polls_ssh:
        checks.append(await check_ssh(config, name))
    return checks


async def check_ssh(config: AgentConfig, name: str) -> Check:
    """Log in over SSH the way SSH telemetry will, then log out."""
    from edge_agent.executor import ActionError, NetmikoSession, classify
    from edge_agent.executor.host_keys import KnownHosts
    from edge_agent.executor.scheduled import cli_platform
    from edge_agent.executor.session import ssh_target

    device = config.device(name)
    label = f"device {name} ssh"
    try:
        platform = cli_platform(device.profile)
        # The agent's trusted host keys: the doctor never hands the password to an impostor.
        target = ssh_target(device, platform, KnownHosts.in_state_dir(config.agent.state_dir).path)
    except (ActionError, ValueError) as exc:
        return Check(label, FAIL, str(exc), "fix the device's ssh block or profile")
    try:
        session = await asyncio.to_thread(NetmikoSession, target, platform)
    except Exception as exc:  # every login failure becomes a check result
        code = classify(exc, connected=False).value
        fix = (f"check the key on the device's console, then: dotmac-agent ssh-trust {name}"
               if code == "host_key_changed" else
               "check address, SSH ACL and the ssh username/password")
        return Check(label, FAIL, f"{target.host}:{target.port} {code}", fix)
    await asyncio.to_thread(session.close)
    return Check(label, OK, f"{target.host}:{target.port} logged in as {target.username}")


async def check_snmp(config: AgentConfig, profiles: ProfileSet, name: str) -> Check:
    """Reach the device over SNMP and say which profile it gets."""
    device = config.device(name)
    label = f"device {name}"
    try:
        found = await detect(config.snmp_target(device), profiles)
    except PollFailure as exc:
        return Check(label, FAIL, f"{device.host}:{device.port} {exc.error.code.value}: "
                     f"{exc.error.detail}", "check address, ACL on the device and credentials")
    configured = device.profile
    if configured not in ("auto", found.profile):
        return Check(label, WARN, f"configured profile {configured}, device looks like "
                     f"{found.profile}", f"set profile: {found.profile} or auto")
    return Check(label, OK, f"{device.host}:{device.port} profile {found.profile}")


async def check_queue(config: AgentConfig) -> Check:
    """Queue depth, age of the oldest batch and dropped samples."""
    path = config.agent.state_dir / QUEUE_FILE
    if not path.exists():
        return Check("queue", OK, f"{path} not created yet (agent never ran)")
    queue = await SqliteQueue.open(path)
    try:
        depth, age, dropped = (await queue.depth(), await queue.oldest_age(),
                               await queue.dropped_samples())
    finally:
        await queue.close()
    detail = f"{depth} batch(es) queued, oldest {age:.0f}s, {dropped} sample(s) dropped"
    if dropped:
        return Check("queue", WARN, detail, "the queue overflowed during an outage; "
                     "raise queue.max_bytes/max_age_s if outages this long are normal")
    if age > OLDEST_QUEUED_WARN_S:
        return Check("queue", WARN, detail, "delivery is behind: see the broker line")
    return Check("queue", OK, detail)


def _agent_connected(config: AgentConfig) -> bool:
    """Whether a running agent reports itself connected to the broker right now."""
    path = config.agent.state_dir / STATUS_FILE
    try:
        if time.time() - path.stat().st_mtime > STATUS_STALE_S:
            return False
        return bool(json.loads(path.read_text()).get("delivery", {}).get("connected"))
    except (OSError, ValueError, AttributeError):
        return False


def check_running(config: AgentConfig, now: float | None = None) -> Check:
    """Is a `run` process writing its status file?"""
    path = config.agent.state_dir / STATUS_FILE
    if not path.exists():
        return Check("agent", WARN, "no status file: the agent is not running",
                     "systemctl start dotmac-agent")
    age = (now or time.time()) - path.stat().st_mtime
    if age > STATUS_STALE_S:
        return Check("agent", WARN, f"status file is {age:.0f}s old: agent stopped or hung",
                     "systemctl status dotmac-agent; journalctl -u dotmac-agent")
    status = json.loads(path.read_text())
    connected = status.get("delivery", {}).get("connected")
    return Check("agent", OK if connected else WARN,
                 f"running, {'connected' if connected else 'NOT connected'} to the broker")


async def run_checks(config_path: Path) -> list[Check]:
    """All checks in the order a tech reads them; stops early only on a bad config."""
    try:
        config = load_config(config_path)
        profiles = load_profiles()
    except ConfigError as exc:
        return [Check("config", FAIL, p, "fix the file and rerun") for p in exc.problems]
    except ProfileError as exc:
        return [Check("profiles", FAIL, str(exc), "fix the profile file")]
    checks = [Check("config", OK, f"{config_path}: {len(config.devices)} device(s)"),
              check_clock(hub_now=await asyncio.to_thread(
                  hub_time, os.environ.get("DOTMAC_AGENT_HUB_URL"))),
              await check_broker(config)]
    for found in await asyncio.gather(*(check_device(config, profiles, d.name)
                                        for d in config.devices)):
        checks += found
    checks += [await check_queue(config), check_running(config)]
    return checks


def as_dicts(checks: list[Check]) -> list[dict[str, str]]:
    """JSON-ready form of the checks."""
    return [asdict(c) for c in checks]
