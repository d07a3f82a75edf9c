"""Reading, validating and merging profile folders (`<os>/detection.yaml`, `polling.yaml`).

Every file is checked against `firmware_profiles/profile.schema.json` (unknown keys are
refused); errors name the file, the key path and a fix, because profile authors are
field techs editing YAML, not Python developers.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

FILES = ("detection", "polling")
SCHEMA_FILE = "profile.schema.json"


class ProfileError(ValueError):
    """A profile file is invalid: the message names the file, the key path and the fix."""

    def __init__(self, file: Path | str, key: str, problem: str, fix: str) -> None:
        where = f"{file}: {key}" if key else str(file)
        super().__init__(f"{where}: {problem}; fix: {fix}")
        self.file = str(file)
        self.key = key


@cache
def _validator(schema_path: Path) -> Draft202012Validator:
    schema = json.loads(schema_path.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def read_folder(folder: Path, schema_path: Path) -> dict[str, Any]:
    """`{"detection": ..., "polling": ...}` of one profile folder, schema-validated."""
    doc: dict[str, Any] = {}
    for name in FILES:
        path = folder / f"{name}.yaml"
        if not path.exists():
            raise ProfileError(path, "", "file missing", f"create {name}.yaml (see README.md)")
        try:
            doc[name] = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ProfileError(path, "", f"not valid YAML ({exc})", "fix the YAML syntax") from exc
    error = best_match(_validator(schema_path).iter_errors(doc))
    if error is not None:
        raise _schema_error(folder, error)
    _check_semantics(folder, doc)
    return doc


def _schema_error(folder: Path, error: ValidationError) -> ProfileError:
    path = list(error.absolute_path)
    file = folder / f"{path[0]}.yaml" if path else folder
    key = ".".join(str(p) for p in path[1:])
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        hints = [difflib.get_close_matches(k, allowed, n=1) for k in unknown]
        guess = "; ".join(f"did you mean {h[0]!r}" for h in hints if h)
        fix = (guess + "; " if guess else "") + f"allowed keys: {', '.join(allowed)}"
        subject = ".".join(filter(None, (key, unknown[0] if unknown else "")))
        return ProfileError(file, subject, f"unknown key {unknown[0]!r}", fix)
    if error.validator == "pattern" and "oid" in key.split(".")[-1:]:
        fix = "write a numeric OID such as 1.3.6.1.2.1.2.2.1.10 (no leading dot, no names)"
        return ProfileError(file, key, f"{error.instance!r} is not a numeric OID", fix)
    return ProfileError(file, key or "(top)", error.message, _fix_for(error))


def _fix_for(error: ValidationError) -> str:
    if error.validator == "enum":
        return "use one of " + ", ".join(map(str, error.validator_value))
    if error.validator == "required":
        return "add the missing key (see firmware_profiles/README.md)"
    if error.validator in ("not", "if", "then"):
        return ("counters need bits: 32|64 and take no scaling (divisor, multiplier, value_map,"
                " scale/precision columns, convert); gauges take no bits")
    return "see firmware_profiles/README.md and profile.schema.json"


def _check_semantics(folder: Path, doc: dict[str, Any]) -> None:
    detection = folder / "detection.yaml"
    if doc["detection"]["os"] != folder.name:
        raise ProfileError(
            detection, "os", f"{doc['detection']['os']!r} differs from folder {folder.name!r}",
            "make os equal to the folder name",
        )
    for index, rule in enumerate(doc["detection"]["rules"]):
        for key in ("sys_descr", "sys_descr_except"):
            for number, pattern in enumerate(rule.get(key, [])):
                _compile(detection, f"rules.{index}.{key}.{number}", pattern)
    _check_table_regexes(folder / "polling.yaml", doc["polling"].get("tables", {}))


def _check_table_regexes(polling: Path, tables: dict[str, Any]) -> None:
    for name, table in tables.items():
        if "row_filter" in table:
            _compile(polling, f"tables.{name}.row_filter.regex", table["row_filter"]["regex"])
        for number, label in enumerate(table.get("labels", [])):
            if "regex" in label:
                _compile(polling, f"tables.{name}.labels.{number}.regex", label["regex"])


def _compile(file: Path, key: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ProfileError(file, key, f"bad regular expression ({exc})", "fix the regex") from exc


def _merge_by(items: list[dict[str, Any]], extra: list[dict[str, Any]], key: str) -> list[Any]:
    merged = {item[key]: item for item in items}
    for item in extra:
        merged[item[key]] = {**merged.get(item[key], {}), **item}
    return list(merged.values())


def _merge_table(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = {**base, **{k: v for k, v in child.items() if k not in ("labels", "columns")}}
    out["labels"] = _merge_by(base.get("labels", []), child.get("labels", []), "label")
    out["columns"] = _merge_by(base.get("columns", []), child.get("columns", []), "metric")
    return out


def merge_polling(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Child polling settings over inherited ones (by metric, label and table name)."""
    out = {**base, **{k: v for k, v in child.items() if k not in ("scalars", "tables")}}
    out["scalars"] = _merge_by(base.get("scalars", []), child.get("scalars", []), "metric")
    tables = dict(base.get("tables", {}))
    for name, table in child.get("tables", {}).items():
        tables[name] = _merge_table(tables.get(name, {}), table)
    out["tables"] = tables
    out["inventory"] = {**base.get("inventory", {}), **child.get("inventory", {})}
    out.pop("extends", None)
    return out
