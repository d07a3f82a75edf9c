"""Write or check the golden poll results of the curated snmpsim recordings.

    python scripts/golden.py            # compare; exit 1 and show a diff on drift
    python scripts/golden.py --update   # rewrite tests/agent_snmp/golden/<family>.json

Each golden is what `poll_device` returns (after detection) when the real snmpsim
responder serves that family's recording; timestamps and addresses are normalised.
Review the diff before committing an update; never edit a golden by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from edge_agent.profiles import load_profiles  # noqa: E402
from edge_agent.record import dump, live_golden  # noqa: E402
from edge_agent.snmp import SnmpTarget, SnmpV2c  # noqa: E402
from tests.services.plugin import SNMPSIM_CACHE  # noqa: E402
from tests.services.snmp import start_snmpsim  # noqa: E402

GOLDEN_DIR = ROOT / "tests" / "agent_snmp" / "golden"


def golden_path(family: str) -> Path:
    """Where the golden of `family` lives."""
    return GOLDEN_DIR / f"{family}.json"


async def render(host: str, port: int, communities: dict[str, str]) -> dict[str, str]:
    """family -> golden JSON text, polled from the running responder."""
    profiles = load_profiles()
    out: dict[str, str] = {}
    for family, community in sorted(communities.items()):
        target = SnmpTarget(host, port, credentials=SnmpV2c(community), timeout=10, retries=0)
        out[family] = dump(await live_golden(family, target, profiles))
    return out


def compare(rendered: dict[str, str]) -> list[str]:
    """Unified diffs for every golden that differs from `rendered`."""
    problems: list[str] = []
    for family, text in rendered.items():
        path = golden_path(family)
        old = path.read_text() if path.exists() else ""
        if old != text:
            diff = difflib.unified_diff(
                old.splitlines(), text.splitlines(), str(path), "polled now", lineterm="", n=2
            )
            problems.append("\n".join(list(diff)[:60]))
    return problems


def main() -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the golden files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        sim = start_snmpsim(Path(work) / "snmpsim", SNMPSIM_CACHE)
        try:
            rendered = asyncio.run(render(sim.host, sim.port, sim.communities))
        finally:
            sim.stop()
    if args.update:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        for family, text in rendered.items():
            golden_path(family).write_text(text)
            print(f"wrote {golden_path(family).relative_to(ROOT)}")
        return 0
    problems = compare(rendered)
    for problem in problems:
        print(problem)
    print(f"{len(rendered) - len(problems)}/{len(rendered)} goldens match")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
