"""The import contracts of `make lint` hold on the tree, and a wrong import breaks them.

The wrong imports are written into a copy of the packages, so the check runs the real
`lint-imports` on real code; module and contract names come from pyproject.toml.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]


def _contract(contract_id: str) -> dict[str, Any]:
    return next(c for c in _config()["contracts"] if c["id"] == contract_id)


def _layer_modules(layer: str) -> list[str]:
    """`"api : db : (worker_runner)"` -> ["api", "db", "worker_runner"]."""
    return [name.strip().strip("()") for name in re.split(r"[:|]", layer)]


def _lint_imports(cwd: Path) -> str:
    """The report of `lint-imports` run in `cwd`, one space between words (it wraps lines)."""
    out = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd,
                         capture_output=True, text=True, timeout=120, check=False,
                         env={**os.environ, "COLUMNS": "200"})
    return f"exit {out.returncode}: " + " ".join((out.stdout + out.stderr).split())


def _copy_tree(to: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    for package in _config()["root_packages"]:
        shutil.copytree(ROOT / package, to / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.json"))


def _add_import(module_file: Path, statement: str) -> None:
    module_file.write_text(module_file.read_text() + f"\n{statement}  # deliberately wrong\n")


def test_the_tree_keeps_every_contract() -> None:
    report = _lint_imports(ROOT)
    assert report.startswith("exit 0:"), report
    for contract in _config()["contracts"]:
        assert f"{contract['name']} KEPT" in report


def _import_upward(tree: Path, contract_id: str, upper_layer: int) -> None:
    """The first module of the contract's lowest layer imports one of `upper_layer`."""
    contract = _contract(contract_id)
    container = contract["containers"][0]
    upper = _layer_modules(contract["layers"][upper_layer])[0]
    lower = tree / container / _layer_modules(contract["layers"][-1])[0].replace(".", "/")
    lower = lower / "__init__.py" if lower.is_dir() else lower.with_suffix(".py")
    _add_import(lower, f"import {container}.{upper}")


@pytest.fixture(scope="module")
def broken_tree(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report on a copy where the hub imports the agent, protocol imports the hub, and
    the lowest layer of hub and of agent imports a module of a higher layer."""
    tree = tmp_path_factory.mktemp("wrong_imports")
    _copy_tree(tree)
    _add_import(tree / "hub" / "__init__.py", "import edge_agent")
    _add_import(tree / "protocol" / "__init__.py", "import hub")
    _import_upward(tree, "hub-layers", upper_layer=1)  # the highest domain
    _import_upward(tree, "agent-layers", upper_layer=0)
    return _lint_imports(tree)


@pytest.mark.parametrize("contract_id", ["protocol", "hub-agent", "hub-layers", "agent-layers"])
def test_a_wrong_import_breaks_its_contract(broken_tree: str, contract_id: str) -> None:
    assert not broken_tree.startswith("exit 0:")
    assert f"{_contract(contract_id)['name']} BROKEN" in broken_tree, broken_tree
