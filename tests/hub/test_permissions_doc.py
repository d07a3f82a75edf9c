"""docs/permissions.md is generated from the code and must be current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_permission_table_is_current() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "permissions_table.py"),
                          "--check"], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    text = (ROOT / "docs" / "permissions.md").read_text()
    assert "| `devices:write` |" in text and "| GET | `/audit-events` |" in text


DOCUMENT_THE_RULE = ("deps.py", "permissions.py")  # their docstrings show an alias
ALIAS = re.compile(r'^(\w+) = Annotated\[Principal, RequirePermission\("(\w+):(\w+)"\)\]$')


def alias_name(permission: str) -> str:
    """`billing_analytics:read` -> `BillingAnalyticsRead`: the one way routes name it."""
    return "".join(word.title() for word in re.split(r"[:_]", permission))


def test_every_permission_alias_is_named_after_its_permission() -> None:
    wrong = []
    for path in sorted((ROOT / "hub").rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if "RequirePermission(\"" not in line or path.name in DOCUMENT_THE_RULE:
                continue
            found = ALIAS.match(line)
            expected = alias_name(f"{found[2]}:{found[3]}") if found else None
            if found is None or found[1] != expected:
                wrong.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()} "
                             f"(want a module-level `{expected or 'ResourceVerb'} = ...`)")
    assert not wrong, "\n".join(wrong)
