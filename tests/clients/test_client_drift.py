"""clients/python is what openapi-python-client makes of the hub's OpenAPI document today:
the document is taken from the app at test time, so a route or schema changed without
`make client` fails here (`make client-check` runs the same comparison)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clients.generate import TARGET, differences, generate, openapi_document


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client generated now from the app's document."""
    target = tmp_path_factory.mktemp("client") / "python"
    generate(target, openapi_document())
    return target


def test_committed_client_matches_a_fresh_generation(fresh: Path) -> None:
    stale = differences(TARGET, fresh)
    assert stale == [], (f"clients/python is out of date with the hub's OpenAPI document "
                         f"({len(stale)} files: {stale[:20]}); run `make client` and commit "
                         "clients/python")
    assert (fresh / "dotmac_hub_client" / "api" / "webhooks").is_dir()
    assert not (fresh / "setup.py").exists()


def test_generation_is_deterministic_and_drift_is_seen(fresh: Path, tmp_path: Path) -> None:
    """A second run writes the same bytes (else the check would flap); a changed, a missing
    and an extra file are each reported."""
    again = tmp_path / "again"
    generate(again, openapi_document())
    assert differences(fresh, again) == []
    drifted = tmp_path / "drifted"
    shutil.copytree(fresh, drifted)
    (drifted / "dotmac_hub_client" / "types.py").write_text("# edited by hand\n")
    (drifted / "dotmac_hub_client" / "errors.py").unlink()
    (drifted / "dotmac_hub_client" / "api" / "gone.py").write_text("")
    (drifted / "dotmac_hub_client" / "__pycache__").mkdir(exist_ok=True)
    (drifted / "dotmac_hub_client" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert differences(drifted, fresh) == ["dotmac_hub_client/api/gone.py",
                                           "dotmac_hub_client/errors.py",
                                           "dotmac_hub_client/types.py"]
