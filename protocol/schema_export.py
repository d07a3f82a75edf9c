"""Generate ``protocol/schema/<type>.schema.json`` and ``<type>.example.json``.

Usage::

    python -m protocol.schema_export           # (re)write the files
    python -m protocol.schema_export --check   # exit 1 listing stale files

The JSON schemas are derived from the pydantic models and the examples from
:data:`protocol.examples.EXAMPLES`, so non-Python consumers get the same contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from protocol.codec import encode
from protocol.examples import EXAMPLES
from protocol.messages import MESSAGE_TYPES

__all__ = ["SCHEMA_DIR", "check", "main", "render", "write"]

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _dump(document: object) -> str:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def render() -> dict[str, str]:
    """Return the expected content of every generated file, keyed by file name."""
    files: dict[str, str] = {}
    for name, cls in MESSAGE_TYPES.items():
        schema = {"$schema": _DIALECT, **cls.model_json_schema()}
        files[f"{name}.schema.json"] = _dump(schema)
        # Round-trip through the codec so the example is exactly what goes on the wire.
        files[f"{name}.example.json"] = _dump(json.loads(encode(EXAMPLES[name])))
    return files


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write all generated files into ``directory`` and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def check(directory: Path = SCHEMA_DIR) -> list[str]:
    """Return the names of stale, missing or unexpected ``*.json`` files in ``directory``."""
    expected = render()
    stale = []
    for name, content in expected.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(name)
    present = {p.name for p in directory.glob("*.json")} if directory.is_dir() else set()
    stale.extend(sorted(present - expected.keys()))
    return sorted(stale)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m protocol.schema_export")
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR, help="output directory")
    args = parser.parse_args(argv)
    if args.check:
        stale = check(args.dir)
        for name in stale:
            print(f"stale: {args.dir / name}", file=sys.stderr)
        if stale:
            print("run: python -m protocol.schema_export", file=sys.stderr)
            return 1
        return 0
    for path in write(args.dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
