"""pytest plugin: real servers as session fixtures, started on first use, stopped at exit.

Loaded through `addopts = -p tests.services.plugin`. A service that cannot start fails
every test that needs it with the install hint; nothing is skipped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

# The SSH device simulator (IOS/Junos/RouterOS personalities) lives with its transcripts.
from tests.ssh_sim.fixture import ssh_sim  # noqa: F401  (re-exported as a fixture)

from ._proc import ServiceError
from .mosquitto import Broker, start_broker
from .postgres import Postgres, start_postgres
from .snmp import Snmpd, Snmpsim, start_snmpd, start_snmpsim
from .victoria import Victoria, start_victoria

REPO_ROOT = Path(__file__).resolve().parents[2]
SNMPSIM_CACHE = REPO_ROOT / ".cache" / "snmpsim"

T = TypeVar("T")
_versions: dict[str, str] = {}
_failures: dict[str, str] = {}


def _start(name: str, starter: Callable[[], T]) -> T:
    """Start a service once per session; remember a failure so it is reported once."""
    if name in _failures:
        pytest.fail(_failures[name], pytrace=False)
    try:
        service = starter()
    except (ServiceError, OSError) as exc:
        _failures[name] = f"test service {name} could not start: {exc}"
        pytest.fail(_failures[name], pytrace=False)
    _versions[name] = str(getattr(service, "version", "unknown"))
    return service


@pytest.fixture(scope="session")
def services_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Working folder of this session's services (configs, data, logs)."""
    return tmp_path_factory.mktemp("services")


def _serve(name: str, starter: Callable[[], Any]) -> Iterator[Any]:
    service = _start(name, starter)
    try:
        yield service
    finally:
        with contextlib.suppress(Exception):
            service.stop()


@pytest.fixture(scope="session")
def mosquitto(services_dir: Path) -> Iterator[Broker]:
    """Private Mosquitto 2: persistence, password + ACL files, dynamic security plugin."""
    yield from _serve("mosquitto", lambda: start_broker(services_dir / "mosquitto"))


@pytest.fixture(scope="session")
def postgres(services_dir: Path) -> Iterator[Postgres]:
    """A PostgreSQL database of this session's own, dropped at the end."""
    yield from _serve("postgres", lambda: start_postgres(services_dir / "postgres"))


@pytest.fixture(scope="session")
def snmpd(services_dir: Path) -> Iterator[Snmpd]:
    """Real net-snmp snmpd with a v2c community and a SHA-256/AES v3 user."""
    yield from _serve("snmpd", lambda: start_snmpd(services_dir / "snmpd"))


@pytest.fixture(scope="session")
def snmpsim(services_dir: Path) -> Iterator[Snmpsim]:
    """snmpsim responder serving recordings of real Cisco, Juniper, Arista... devices."""
    yield from _serve("snmpsim", lambda: start_snmpsim(services_dir / "snmpsim", SNMPSIM_CACHE))


@pytest.fixture(scope="session")
def victoria(services_dir: Path) -> Iterator[Victoria]:
    """Private VictoriaMetrics accepting influxdb-client writes."""
    yield from _serve("victoria", lambda: start_victoria(services_dir / "victoria"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist each worker runs its own services: hand their names to the
    controller, which prints the summary."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["dotmac_services"] = {"versions": _versions, "failures": _failures}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: collect a finished worker's services."""
    found = getattr(node, "workeroutput", {}).get("dotmac_services", {})
    _versions.update(found.get("versions", {}))
    _failures.update(found.get("failures", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name each service that ran and its version, and each that failed to start."""
    if _versions:
        terminalreporter.section("test services")
        for name, version in sorted(_versions.items()):
            terminalreporter.write_line(f"{name:10} {version}")
    for message in _failures.values():
        terminalreporter.write_line(message, red=True)
