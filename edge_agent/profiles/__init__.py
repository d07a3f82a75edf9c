"""Firmware profiles: load, validate, merge (`extends`) and detect device families.

    profiles = load_profiles()            # every folder under firmware_profiles/
    profile = profiles.get("cisco_ios")
    match = profiles.detect(sys_object_id, sys_descr, snmpget_values)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import firmware_profiles
from edge_agent.profiles import build
from edge_agent.profiles.detection import DetectResult, SnmpgetValues, detect, snmpget_oids
from edge_agent.profiles.loader import SCHEMA_FILE, ProfileError, merge_polling, read_folder
from edge_agent.profiles.model import Metric, Profile, Table

__all__ = [
    "DetectResult",
    "Metric",
    "Profile",
    "ProfileError",
    "ProfileSet",
    "Table",
    "load_profiles",
]

FALLBACK = "generic"


class ProfileSet:
    """All loaded profiles by name."""

    def __init__(self, profiles: dict[str, Profile], root: Path) -> None:
        self.profiles = profiles
        self.root = root

    def __iter__(self) -> Iterator[Profile]:
        return iter(self.profiles.values())

    def __len__(self) -> int:
        return len(self.profiles)

    def names(self) -> list[str]:
        """Profile names, sorted."""
        return sorted(self.profiles)

    def get(self, name: str) -> Profile:
        """The profile `name`; ProfileError naming the known ones when absent."""
        try:
            return self.profiles[name]
        except KeyError:
            raise ProfileError(
                self.root / name, "", f"no profile {name!r}",
                f"use one of {', '.join(self.names())} or add a folder {name}/",
            ) from None

    @property
    def fallback(self) -> Profile:
        """The profile used when nothing matches (generic MIB-2)."""
        return self.get(FALLBACK)

    def detect(
        self, sys_object_id: str, sys_descr: str, snmpget_values: SnmpgetValues
    ) -> DetectResult | None:
        """The matching profile and why, or None (pure: no network)."""
        return detect(self.profiles.values(), sys_object_id, sys_descr, snmpget_values)

    def snmpget_oids(self) -> list[str]:
        """OIDs the detection rules read with snmpget."""
        return snmpget_oids(self.profiles.values())


def _chain(name: str, raw: dict[str, dict[str, Any]], root: Path) -> list[str]:
    chain = [name]
    while (parent := raw[chain[-1]]["polling"].get("extends")) is not None:
        if parent not in raw:
            raise ProfileError(
                root / chain[-1] / "polling.yaml", "extends", f"unknown profile {parent!r}",
                f"use one of {', '.join(sorted(raw))}",
            )
        if parent in chain:
            raise ProfileError(
                root / name / "polling.yaml", "extends", "cycle " + " -> ".join([*chain, parent]),
                "make the chain end at generic",
            )
        chain.append(parent)
    return chain


def _merged(chain: list[str], raw: dict[str, dict[str, Any]]) -> dict[str, Any]:
    polling: dict[str, Any] = {}
    for name in reversed(chain):
        polling = merge_polling(polling, raw[name]["polling"])
    return polling


def _check_tables(name: str, polling: dict[str, Any], root: Path) -> None:
    for table, spec in polling.get("tables", {}).items():
        if "index_label" not in spec:
            raise ProfileError(
                root / name / "polling.yaml", f"tables.{table}.index_label", "missing",
                "name the label that carries the row index, e.g. ifIndex",
            )
        metrics = {c["metric"] for c in spec.get("columns", [])}
        for number, column in enumerate(spec.get("columns", [])):
            other = column.get("only_without")
            if other is not None and other not in metrics:
                raise ProfileError(
                    root / name / "polling.yaml", f"tables.{table}.columns.{number}.only_without",
                    f"{other!r} is not a metric of table {table}", "name a metric of this table",
                )


def load_profiles(root: Path | None = None) -> ProfileSet:
    """Load every profile folder under `root` (default: the shipped firmware_profiles/)."""
    root = root or firmware_profiles.root()
    schema = firmware_profiles.root() / SCHEMA_FILE
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    raw = {folder.name: read_folder(folder, schema) for folder in folders}
    if FALLBACK not in raw:
        raise ProfileError(root, FALLBACK, "no generic profile", "keep the generic/ folder")
    profiles: dict[str, Profile] = {}
    for name in raw:
        chain = _chain(name, raw, root)
        polling = _merged(chain, raw)
        _check_tables(name, polling, root)
        profiles[name] = build.profile(name, raw[name]["detection"], polling, tuple(chain))
    return ProfileSet(profiles, root)
