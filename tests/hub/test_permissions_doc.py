"""docs/permissions.md is generated from the code and must be current."""

from __future__ import annotations

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
