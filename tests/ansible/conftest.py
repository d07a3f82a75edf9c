"""Fixtures of the rollout tests: one test host, one served hub, three agent builds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ansible.harness import (
    Rollout,
    ServedHub,
    build_wheelhouse,
    build_wheels,
    serve_hub,
)
from tests.ansible.testhost import PopBox, start_host
from tests.hub.harness import create_database, drop_database
from tests.services._proc import free_port
from tests.services.mosquitto import Broker
from tests.services.postgres import Postgres

# httpx is imported by `dotmac-agent enroll` but missing from the wheel's dependencies
# in pyproject.toml (reported); the role's extra packages fill in until it is listed.
EXTRA_PACKAGES = ("httpx>=0.27",)
# 1.2.0 exits at once on `dotmac-agent run`: a build that crashes on the POP.
VERSIONS: dict[str, str | None] = {"1.0.0": None, "1.1.0": None,
                                   "1.2.0": "raise typer.Exit(3)  # broken build"}


@pytest.fixture(scope="package")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Agent wheels by version."""
    return build_wheels(tmp_path_factory.mktemp("wheels"), VERSIONS)


@pytest.fixture(scope="package")
def wheelhouse(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The agent's dependencies (and httpx, see EXTRA_PACKAGES) as wheels."""
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"), wheels["1.0.0"],
                            *EXTRA_PACKAGES)


@pytest.fixture(scope="package")
def served_hub(postgres: Postgres, mosquitto: Broker, tmp_path_factory: pytest.TempPathFactory,
               ) -> Iterator[ServedHub]:
    """The hub on its own database, enrolling into the session broker."""
    name = create_database(postgres.admin_dsn, "rollout")
    url = f"postgresql+psycopg://{postgres.user}@{postgres.host}:{postgres.port}/{name}"
    hub = serve_hub(url, mosquitto, free_port(), tmp_path_factory.mktemp("hub") / "hub.log")
    yield hub
    hub.stop()
    drop_database(postgres.admin_dsn, name)


@pytest.fixture(scope="package")
def pop_box(served_hub: ServedHub, mosquitto: Broker,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[PopBox]:
    """The POP box; it reaches the hub and the broker's TLS port on its own loopback."""
    host = start_host(tmp_path_factory.mktemp("host"), [served_hub.port, mosquitto.tls_port])
    yield host
    host.stop()


@pytest.fixture(scope="package")
def rollout(pop_box: PopBox, served_hub: ServedHub,
            tmp_path_factory: pytest.TempPathFactory) -> Rollout:
    """site.yml against the box, with a vaulted one-time token."""
    return Rollout.prepare(pop_box, tmp_path_factory.mktemp("rollout"), served_hub.token())
