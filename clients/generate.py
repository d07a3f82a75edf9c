"""Generate the Python client (clients/python) from the hub's OpenAPI document.

    python clients/generate.py           write clients/python (what `make client` runs)
    python clients/generate.py --check   exit 1 if clients/python differs from a fresh run

The document comes from the app itself (hub.app.create_app), never from a running hub, so
the output depends only on the code, openapi-python-client's pinned version (pyproject.toml)
and the venv's ruff. Models FastAPI had to name by module (two `CommentCreate`s) get a title
of their own first: the generator refuses two classes with one name.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE / "python"
CONFIG = HERE / "openapi-python-client.yaml"
TEMPLATES = HERE / "templates"
# Build and tool output an install or a test leaves beside the sources: never compared.
IGNORED = ("__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", "build", "dist",
           "*.egg-info")


def openapi_document() -> dict[str, Any]:
    """The hub's OpenAPI document as the app serves it at /openapi.json, with unique titles."""
    from hub.app import create_app
    from hub.settings import HubSettings

    app = create_app(HubSettings(database_url="sqlite+aiosqlite:///:memory:"))
    document: dict[str, Any] = app.openapi()
    for key, schema in document.get("components", {}).get("schemas", {}).items():
        if "__" in key:  # hub__support__schemas__CommentCreate -> SupportCommentCreate
            *modules, name = key.split("__")
            prefix = "".join(m.capitalize() for m in modules if m not in ("hub", "schemas"))
            schema["title"] = prefix + name
    return document


def generate(target: Path, document: dict[str, Any] | None = None) -> None:
    """Write the client distribution to `target` (replaced whole, so nothing stale stays)."""
    document = document if document is not None else openapi_document()
    with tempfile.TemporaryDirectory(prefix="dotmac-client-") as work:
        spec, out = Path(work) / "openapi.json", Path(work) / "dotmac-hub-client"
        spec.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        venv_bin = str(Path(sys.executable).parent)
        env = {**os.environ, "PATH": venv_bin + os.pathsep + os.environ.get("PATH", "")}
        run = subprocess.run(
            [str(Path(venv_bin) / "openapi-python-client"), "generate", "--path", str(spec),
             "--config", str(CONFIG), "--custom-template-path", str(TEMPLATES),
             "--meta", "setup", "--output-path", str(out), "--fail-on-warning"],
            env=env, capture_output=True, text=True, check=False)
        if run.returncode != 0 or not (out / "pyproject.toml").is_file():
            raise RuntimeError(f"openapi-python-client failed (exit {run.returncode}):\n"
                               f"{run.stdout}\n{run.stderr}")
        (out / "setup.py").unlink()  # `--meta setup` writes one; pyproject.toml is enough
        _mirror(out, target)


def _tracked(tree: Path) -> set[Path]:
    """Files of a client tree, relative, without build and tool output."""
    return {p.relative_to(tree) for p in tree.rglob("*") if p.is_file()
            and not any(_ignored(part) for part in p.relative_to(tree).parts)}


def _ignored(name: str) -> bool:
    """Whether a path part is build or tool output (IGNORED)."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED)


def _mirror(source: Path, target: Path) -> None:
    """Make `target` hold exactly `source`'s files; unchanged files are left untouched (so
    their times do not move and make does not reinstall the client for nothing)."""
    wanted, present = _tracked(source), _tracked(target) if target.exists() else set()
    for stale in present - wanted:
        (target / stale).unlink()
    for name in sorted(wanted):
        new, old = source / name, target / name
        if not old.is_file() or old.read_bytes() != new.read_bytes():
            old.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new, old)
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two client trees."""
    ours, theirs = _tracked(left) if left.exists() else set(), _tracked(right)
    changed = {n for n in ours & theirs if (left / n).read_bytes() != (right / n).read_bytes()}
    return sorted(str(n) for n in (ours ^ theirs) | changed)


def main() -> int:
    """Write the client, or check it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare clients/python with a fresh generation")
    args = parser.parse_args()
    if not args.check:
        generate(TARGET)
        print(f"wrote {TARGET}")
        return 0
    with tempfile.TemporaryDirectory(prefix="dotmac-client-check-") as fresh:
        generate(Path(fresh) / "python")
        stale = differences(TARGET, Path(fresh) / "python")
    if stale:
        print("clients/python is out of date with the hub's OpenAPI document "
              f"({len(stale)} files differ: {', '.join(stale[:10])}); run `make client` and "
              "commit clients/python", file=sys.stderr)
        return 1
    print("clients/python matches the hub's OpenAPI document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
