"""The import contracts of `make lint` hold on the tree, and a wrong import breaks them.

The wrong imports are written into a copy of the packages, so the check runs the real
`lint-imports` on real code; module and contract names come from pyproject.toml.
"""

from __future__ import annotations

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


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def _copy_tree(to: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    for package in _config()["root_packages"]:
        shutil.copytree(ROOT / package, to / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.json"))


def _add_import(module_file: Path, statement: str) -> None:
    module_file.write_text(module_file.read_text() + f"\n{statement}  # deliberately wrong\n")


def test_the_tree_keeps_every_contract() -> None:
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    for contract in _config()["contracts"]:
        assert f"{contract['name']} KEPT" in out.stdout


@pytest.fixture(scope="module")
def broken_tree(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """A copy where the hub imports the agent, protocol imports the hub and the lowest
    (base) layer of the hub imports the highest domain."""
    tree = tmp_path_factory.mktemp("wrong_imports")
    _copy_tree(tree)
    _add_import(tree / "hub" / "__init__.py", "import edge_agent")
    _add_import(tree / "protocol" / "__init__.py", "import hub")
    layers = _contract("hub-layers")["layers"]
    top_domain, base = _layer_modules(layers[1])[0], _layer_modules(layers[-1])[0]
    base_file = tree / "hub" / base.replace(".", "/")
    base_file = base_file / "__init__.py" if base_file.is_dir() else base_file.with_suffix(".py")
    _add_import(base_file, f"import hub.{top_domain}")
    return _lint_imports(tree)


@pytest.mark.parametrize("contract_id", ["protocol", "hub-agent", "hub-layers"])
def test_a_wrong_import_breaks_its_contract(broken_tree: subprocess.CompletedProcess[str],
                                            contract_id: str) -> None:
    assert broken_tree.returncode != 0
    assert f"{_contract(contract_id)['name']} BROKEN" in broken_tree.stdout, broken_tree.stdout
