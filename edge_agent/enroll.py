"""Enrollment: trade a one-time token from the hub for an identity and a broker login.

    found = request_enrollment("https://hub.example.net", token)     # POST /enroll
    written = write_enrollment(Path("/etc/dotmac-agent/agent.yaml"), found)

The broker password is written into the agent config itself (``broker.password``), and
that file is always (re)written with mode 0600: the config loader reads secrets from the
file or the environment, and one protected file is simpler for a field tech than two. The
broker CA goes next to it as ``broker-ca.pem`` (public, 0644). Other sections of an
existing config (devices, polling...) are kept. See docs/enrollment.md.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from pydantic import ValidationError

from edge_agent.config import AgentSection, BrokerSection

__all__ = [
    "CA_FILE_NAME",
    "EnrollError",
    "Enrollment",
    "Written",
    "check_hub_url",
    "current_agent_id",
    "request_enrollment",
    "write_enrollment",
]

CA_FILE_NAME = "broker-ca.pem"
DEFAULT_STATE_DIR = Path("/var/lib/dotmac-agent")
_REFUSALS = {
    401: "token refused: unknown or expired; ask an admin for a new one "
         "(dotmac-hub enroll-token --site SITE)",
    409: "token already used; ask an admin for a new one",
    429: "too many enrollment attempts from this address; wait a minute and retry",
}


class EnrollError(Exception):
    """Enrollment failed; the message names the cause and the fix."""


@dataclass(frozen=True)
class Enrollment:
    """What the hub granted. ``password`` never appears in ``repr``."""

    agent_id: str
    agent_name: str
    site_id: str
    topic_prefix: str
    host: str
    port: int
    tls: bool
    ca_pem: str | None
    username: str
    password: str = field(repr=False)

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> Enrollment:
        """Parse the hub's 201 answer."""
        try:
            broker = body["broker"]
            return cls(str(body["agent_id"]), str(body["agent_name"]), str(body["site_id"]),
                       str(body["topic_prefix"]), str(broker["host"]), int(broker["port"]),
                       bool(broker["tls"]), broker.get("ca_pem"), str(broker["username"]),
                       str(broker["password"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise EnrollError(f"hub answer is missing {exc}; is --hub a DotMac hub of a "
                              "compatible version?") from None


@dataclass(frozen=True)
class Written:
    """Where enrollment wrote its files."""

    config: Path
    ca_file: Path | None
    backup: Path | None


def check_hub_url(hub_url: str, *, insecure: bool = False) -> None:
    """Refuse a hub URL that would send the token and receive the broker password in clear.

    Plain ``http://`` is accepted only with ``insecure`` (a loopback demo, a lab): anyone on
    the path could read the one-time token and the broker login the hub answers with.
    """
    scheme = urlsplit(hub_url).scheme.lower()
    if scheme == "https" or (scheme == "http" and insecure):
        return
    if scheme == "http":
        raise EnrollError(f"hub {hub_url}: plain http would carry the enrollment token and "
                          "this agent's broker password in clear; use the hub's https:// "
                          "URL, or pass --insecure on a link you trust (loopback, lab)")
    raise EnrollError(f"hub {hub_url}: not an https:// URL; give the hub API's base URL, "
                      "e.g. https://hub.example.net")


def request_enrollment(hub_url: str, token: str, agent_name: str | None = None, *,
                       verify: bool | str = True, timeout_s: float = 30.0,
                       insecure: bool = False) -> Enrollment:
    """POST the token to ``<hub_url>/enroll``; EnrollError explains any refusal.

    The URL must be https unless ``insecure`` (see check_hub_url), checked before any
    byte leaves the box.
    """
    check_hub_url(hub_url, insecure=insecure)
    url = hub_url.rstrip("/") + "/enroll"
    body: dict[str, Any] = {"token": token.strip()}
    if agent_name:
        body["agent_name"] = agent_name
    try:
        resp = httpx.post(url, json=body, timeout=timeout_s, verify=verify)
    except httpx.HTTPError as exc:
        raise EnrollError(f"hub {hub_url}: {type(exc).__name__}: {exc}; check --hub and "
                          f"that this box reaches it (curl -I {url})") from None
    if resp.status_code == 201:
        return Enrollment.from_response(resp.json())
    raise EnrollError(_refusal(resp))


def _refusal(resp: httpx.Response) -> str:
    if resp.status_code in _REFUSALS:
        return _REFUSALS[resp.status_code]
    try:
        detail = resp.json().get("detail") or resp.json().get("title")
    except ValueError:
        detail = resp.text[:200]
    return f"hub answered {resp.status_code}: {detail}"


def current_agent_id(config: Path) -> str | None:
    """The agent id an existing config already holds (None: no file or not enrolled)."""
    data = _read(config)
    agent = data.get("agent")
    return str(agent["id"]) if isinstance(agent, dict) and agent.get("id") else None


def _read(config: Path) -> dict[str, Any]:
    if not config.exists():
        return {}
    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EnrollError(f"{config}: cannot read it ({exc}); fix or move it away") from None
    if data is not None and not isinstance(data, dict):
        raise EnrollError(f"{config}: not a mapping of sections; fix or move it away")
    return data or {}


def write_enrollment(config: Path, found: Enrollment, *, state_dir: Path | None = None,
                     force: bool = False) -> Written:
    """Write identity, broker and password into ``config`` (mode 0600) and the CA beside it.

    Refuses to replace another enrollment unless ``force``; keeps other sections.
    """
    data = _read(config)
    existing = current_agent_id(config)
    if existing and not force:
        raise EnrollError(f"{config}: already enrolled as agent {existing}; pass --force to "
                          "replace it (revoke the old agent on the hub)")
    config.parent.mkdir(parents=True, exist_ok=True)
    ca_file = _write_ca(config.parent, found.ca_pem)
    agent = data.get("agent")
    old_agent: dict[str, Any] = agent if isinstance(agent, dict) else {}
    state = state_dir or Path(old_agent.get("state_dir") or DEFAULT_STATE_DIR)
    data["agent"] = {**old_agent, "id": found.agent_id, "state_dir": str(state)}
    data["broker"] = {"host": found.host, "port": found.port, "tls": found.tls,
                      **({"ca_file": str(ca_file)} if ca_file else {}),
                      "username": found.username, "password": found.password}
    _validate(config, data)
    if state_dir is not None:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    backup = _backup(config)
    _write_private(config, yaml.safe_dump(data, sort_keys=False, default_flow_style=False))
    return Written(config, ca_file, backup)


def _validate(config: Path, data: dict[str, Any]) -> None:
    # Only what enrollment wrote: other sections may use ${ENV} this shell does not have.
    try:
        AgentSection.model_validate(data["agent"])
        BrokerSection.model_validate(data["broker"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EnrollError(f"{config}: the hub's answer does not fit the config ({where}: "
                          f"{first['msg']}); report this to the hub operator") from None


def _write_ca(folder: Path, pem: str | None) -> Path | None:
    if not pem:
        return None  # the hub's broker uses a public CA: the system store verifies it
    path = folder / CA_FILE_NAME
    path.write_text(pem, encoding="utf-8")
    path.chmod(0o644)
    return path


def _backup(config: Path) -> Path | None:
    if not config.exists():
        return None
    backup = config.with_name(config.name + ".bak")
    _write_private(backup, config.read_text(encoding="utf-8"))
    return backup


def _write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, readable by its owner only (0600)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)  # mkstemp creates it 0600 already
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():
            stat = path.stat()
            with contextlib.suppress(PermissionError):  # keep the owner the agent runs as
                os.chown(tmp, stat.st_uid, stat.st_gid)
        tmp.chmod(0o600)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
