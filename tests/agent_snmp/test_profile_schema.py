"""profile.schema.json rejects unknown keys at every level of both profile files.

test_profiles.py checks one typo deep in polling.yaml; this checks the schema itself closes
every object (so a new key added without `additionalProperties: false` fails here) and that
a typo in detection.yaml is refused with its file and key path too.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import firmware_profiles
from edge_agent.profiles import ProfileError, load_profiles

SCHEMA = firmware_profiles.root() / "profile.schema.json"
CONDITIONS = {"if", "not"}  # partial schemas that only test a condition


def _object_schemas(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node and path.rsplit("/", 1)[-1] not in CONDITIONS:
            yield path, node
        for key, value in node.items():
            yield from _object_schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _object_schemas(value, f"{path}/{number}")


def test_every_object_in_the_schema_is_closed() -> None:
    schemas = list(_object_schemas(json.loads(SCHEMA.read_text())))
    assert len(schemas) >= 10
    open_ones = [path or "(top)" for path, node in schemas if "additionalProperties" not in node]
    assert open_ones == [], "add additionalProperties: false (or a value schema) to these"
    assert all(node["additionalProperties"] is False or isinstance(
        node["additionalProperties"], dict) for _, node in schemas)


Edit = Callable[[dict[str, Any]], None]


@pytest.mark.parametrize(("file", "edit", "key"), [
    ("detection", lambda d: d.update(prority=50), "prority"),
    ("detection", lambda d: d["rules"][0].update(sys_object_ids=["1.3.6.1.4.1.2636"]),
     "rules.0.sys_object_ids"),
    ("polling", lambda d: d.update(intervall=60), "intervall"),
    ("polling", lambda d: d["inventory"]["model"][0].update(regexp="x"),
     "inventory.model.0.regexp"),
])
def test_unknown_key_is_refused_with_file_and_key(
    tmp_path: Path, file: str, edit: Edit, key: str
) -> None:
    root = tmp_path / "profiles"
    for name in ("generic", "juniper_junos"):
        shutil.copytree(firmware_profiles.root() / name, root / name,
                        ignore=shutil.ignore_patterns("textfsm", "actions.yaml"))
    path = root / "juniper_junos" / f"{file}.yaml"
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ProfileError) as caught:
        load_profiles(root)
    assert caught.value.file == str(path)
    assert caught.value.key == key
    assert "unknown key" in str(caught.value)
