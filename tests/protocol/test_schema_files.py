"""The committed JSON Schemas/examples are current and agree with the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from protocol import EXAMPLES, MESSAGE_TYPES, decode, encode, schema_export


def test_committed_files_are_current() -> None:
    assert schema_export.check() == [], "run: python -m protocol.schema_export"


def test_check_mode_detects_stale_missing_and_extra(tmp_path: Path) -> None:
    assert schema_export.main(["--dir", str(tmp_path)]) == 0
    assert schema_export.main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "state.schema.json").write_text("{}\n")
    (tmp_path / "health.example.json").unlink()
    (tmp_path / "old.schema.json").write_text("{}\n")
    assert schema_export.check(tmp_path) == [
        "health.example.json",
        "old.schema.json",
        "state.schema.json",
    ]
    assert schema_export.main(["--check", "--dir", str(tmp_path)]) == 1


def test_rendering_is_deterministic() -> None:
    files = schema_export.render()
    assert files == schema_export.render()
    assert set(files) == {f"{n}.{k}.json" for n in MESSAGE_TYPES for k in ("schema", "example")}
    assert all(content.endswith("}\n") for content in files.values())


@pytest.mark.parametrize("name", sorted(MESSAGE_TYPES))
def test_example_validates_against_schema(name: str) -> None:
    files = schema_export.render()
    schema = json.loads(files[f"{name}.schema.json"])
    example = json.loads(files[f"{name}.example.json"])
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(example)
    assert decode(json.dumps(example).encode()) == EXAMPLES[name]
    assert json.loads(encode(EXAMPLES[name])) == example


@pytest.mark.parametrize("name", sorted(MESSAGE_TYPES))
def test_schema_requires_envelope_and_forbids_extras(name: str) -> None:
    schema = json.loads(schema_export.render()[f"{name}.schema.json"])
    assert {"type", "v", "agent_id", "seq", "ts"} <= set(schema["required"])
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["const"] == name
    validator = Draft202012Validator(schema)
    example = json.loads(encode(EXAMPLES[name]))
    assert not validator.is_valid({**example, "unexpected": 1})
    assert not validator.is_valid({**example, "agent_id": "a/b"})
