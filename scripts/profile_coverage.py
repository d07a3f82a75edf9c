#!/usr/bin/env python3
"""Metric coverage of every shipped profile, and which snmpsim-data recordings stay generic.

    python scripts/profile_coverage.py               # rewrite docs/profiles.md's coverage table
    python scripts/profile_coverage.py --check       # exit 1 when that table is stale
    python scripts/profile_coverage.py --classify    # detect every network/ and UPS/ recording
    python scripts/profile_coverage.py --classify --write   # ...and refresh the generic table
    python scripts/profile_coverage.py --classify --only juniper   # just those recordings

The coverage table is built from `firmware_profiles/*/polling.yaml` (following `extends`)
and the golden polls `tests/agent_snmp/golden/*.json`; no SNMP needed. `--classify` serves
every recording under snmpsim-data's `network/` and `UPS/` with a private snmpsim and runs
the agent's own detection on each. The reasons in the generic table are written by people;
`--write` keeps them and marks new generic recordings with TODO.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROFILES = ROOT / "firmware_profiles"
GOLDEN = ROOT / "tests" / "agent_snmp" / "golden"
DOC = ROOT / "docs" / "profiles.md"
COVERAGE = ("<!-- coverage:begin -->", "<!-- coverage:end -->")
GENERIC = ("<!-- generic:begin -->", "<!-- generic:end -->")
TODO = "TODO: say what it is and why it has no profile"

# Column -> normalized metric names it covers (the vocabulary of test_metric_names.py).
FAMILIES: dict[str, str] = {
    "cpu": r"^cpu_",
    "memory": r"^mem_",
    "temperature": r"^temperature_",
    "fans": r"^fan_",
    "PSUs": r"^psu_",
    "optics": r"^optical_",
    "wireless": r"^(wireless|radio|ap)_",
    "UPS": r"^ups_",
    "interfaces": r"^if_",
}
# Other metrics worth naming in the table, by prefix.
OTHER: dict[str, str] = {"firewall_": "firewall sessions", "storage_": "storage",
                         "sensor_": "ENTITY-SENSOR values"}
PROVEN, DECLARED, STANDARD = "✔", "○", "·"


@dataclass(frozen=True)
class Family:
    """One profile folder as the coverage table shows it."""

    name: str
    vendor: str
    extends: str | None
    own: frozenset[str]  # metrics its own chain declares, generic excluded
    inherited: frozenset[str]  # metrics only generic's standard MIBs declare
    polled: frozenset[str]  # metrics its golden polls published
    goldens: tuple[str, ...]


def _yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text()) if path.exists() else None
    return loaded if isinstance(loaded, dict) else {}


def declared_metrics(polling: dict[str, Any]) -> set[str]:
    """Metric names one polling.yaml declares (scalars and table columns)."""
    names = {s["metric"] for s in polling.get("scalars", []) if "metric" in s}
    for table in (polling.get("tables") or {}).values():
        names |= {c["metric"] for c in table.get("columns", []) if "metric" in c}
    return names


def _chain(name: str, pollings: dict[str, dict[str, Any]]) -> list[str]:
    chain = [name]
    while (parent := pollings.get(chain[-1], {}).get("extends")) and parent not in chain:
        chain.append(parent)
    return chain


def _goldens() -> dict[str, list[dict[str, Any]]]:
    """profile name -> golden documents polled with it."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(GOLDEN.glob("*.json")):
        doc = json.loads(path.read_text())
        doc["_file"] = path.stem
        found.setdefault(doc.get("profile", ""), []).append(doc)
    return found


def families(root: Path = PROFILES) -> list[Family]:
    """Every profile folder with a polling.yaml, sorted by name."""
    folders = sorted(p.parent for p in root.glob("*/polling.yaml"))
    pollings = {f.name: _yaml(f / "polling.yaml") for f in folders}
    goldens = _goldens()
    out: list[Family] = []
    for folder in folders:
        chain = _chain(folder.name, pollings)
        own = set().union(*(declared_metrics(pollings.get(n, {})) for n in chain
                            if n != "generic" or folder.name == "generic"))
        inherited = declared_metrics(pollings.get("generic", {})) - own
        docs = goldens.get(folder.name, [])
        polled = {s["metric"] for d in docs for s in d.get("samples", [])}
        out.append(Family(folder.name, str(_yaml(folder / "detection.yaml").get("vendor", "")),
                          pollings[folder.name].get("extends"), frozenset(own),
                          frozenset(inherited), frozenset(polled),
                          tuple(d["_file"] for d in docs)))
    return out


def _cell(family: Family, pattern: str) -> str:
    for mark, names in ((PROVEN, family.polled), (DECLARED, family.own),
                        (STANDARD, family.inherited)):
        if any(re.search(pattern, m) for m in names):
            return mark
    return ""


def _other(family: Family) -> str:
    names = family.polled | family.own
    return ", ".join(label for prefix, label in OTHER.items()
                     if any(m.startswith(prefix) for m in names))


def coverage_table(found: Iterable[Family]) -> str:
    """The Markdown coverage table (with its legend)."""
    head = ["family", "vendor", "extends", *FAMILIES, "other", "golden polls"]
    lines = [
        f"{PROVEN} published by the golden poll of a real recording of the family; "
        f"{DECLARED} polled from the family's own MIB objects (its polling.yaml or a vendor "
        f"parent), not proven by a recording here; {STANDARD} only through generic's standard "
        "MIBs (IF-MIB, HOST-RESOURCES, ENTITY-SENSOR), when the device implements them; "
        "empty: not polled.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for f in found:
        cells = [_cell(f, pattern) for pattern in FAMILIES.values()]
        goldens = ", ".join(f"`{g}`" for g in f.goldens)
        lines.append("| " + " | ".join([f"`{f.name}`", f.vendor, f.extends or "", *cells,
                                        _other(f), goldens]) + " |")
    return "\n".join(lines)


def replace_between(text: str, markers: tuple[str, str], body: str) -> str:
    """`text` with the part between the two marker lines replaced by `body`."""
    begin, end = markers
    if begin not in text or end not in text:
        raise SystemExit(f"{DOC}: markers {begin} / {end} missing; put them back around the table")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def between(text: str, markers: tuple[str, str]) -> str:
    """The part of `text` between the two marker lines (empty when they are missing)."""
    begin, end = markers
    if begin not in text or end not in text:
        return ""
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def rendered_doc(doc: str | None = None) -> str:
    """docs/profiles.md with a current coverage table."""
    text = DOC.read_text() if doc is None else doc
    return replace_between(text, COVERAGE, coverage_table(families()))


def stale_diff() -> str:
    """A unified diff when the coverage table in docs/profiles.md is stale, else ''."""
    current = DOC.read_text()
    wanted = rendered_doc(current)
    return "\n".join(difflib.unified_diff(current.splitlines(), wanted.splitlines(), str(DOC),
                                          "generated", lineterm="", n=1))


def generic_reasons(text: str) -> dict[str, str]:
    """recording -> reason, from the generic table in docs/profiles.md."""
    rows = re.findall(r"^\| `([^`]+)` \| (.*?) \|$", between(text, GENERIC), re.M)
    return dict(rows)


def generic_table(recordings: Iterable[str], reasons: dict[str, str]) -> str:
    """The Markdown table of recordings left on generic, keeping the written reasons."""
    lines = ["| recording | why it stays on generic |", "|---|---|"]
    lines += [f"| `{r}` | {reasons.get(r, TODO)} |" for r in sorted(recordings)]
    return "\n".join(lines)


def main() -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the table is stale")
    parser.add_argument("--classify", action="store_true",
                        help="serve every network/ and UPS/ recording and detect each")
    parser.add_argument("--write", action="store_true",
                        help="with --classify: rewrite the generic table in docs/profiles.md")
    parser.add_argument("--only", default="", metavar="TEXT",
                        help="with --classify: only recordings whose path contains TEXT")
    args = parser.parse_args()
    if args.classify:
        from scripts.recording_census import classify_command

        if args.write and args.only:
            parser.error("--write needs every recording; drop --only")
        return classify_command(args.write, args.only)
    if args.check:
        diff = stale_diff()
        if diff:
            print(diff + f"\n{DOC}: coverage table stale; run python scripts/profile_coverage.py",
                  file=sys.stderr)
            return 1
        print(f"{DOC}: coverage table current")
        return 0
    DOC.write_text(rendered_doc())
    print(f"wrote the coverage table of {len(families())} profiles into {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
