"""Config file plumbing: YAML with line numbers, and errors that name file, line, key, fix.

Private to :mod:`edge_agent.config`. PyYAML's composed node tree keeps each key's mark, so a
pydantic error location (``devices.2.snmp.2c.community``) maps back to the file line that
a field tech has to edit.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Loc = tuple[str | int, ...]
LineMap = dict[Loc, int]


class ConfigError(Exception):
    """The config cannot be used; ``problems`` holds one actionable line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))


def read_yaml(path: Path) -> tuple[dict[str, Any], LineMap]:
    """Parse ``path`` into plain data plus the line of every key and list item."""
    text = _read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError([f"{path}{line} YAML syntax error: {exc.problem}; "
                           "check indentation and quoting there"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([f"{path}:1 the file must be a mapping of sections "
                           "(agent:, broker:, devices: ...); see docs/agent-config.md"])
    lines: LineMap = {}
    problems: list[str] = []
    if node is not None:
        _mark(node, (), lines, problems, path)
    if problems:
        raise ConfigError(problems)
    return data, lines


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found; create it from "
                           "edge_agent/example-config.yaml or pass the right path"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot be read ({exc}); check the path, its "
                           "permissions and that it is UTF-8 text"]) from None


def _mark(node: yaml.Node, loc: Loc, lines: LineMap, problems: list[str], path: Path) -> None:
    """Record 1-based lines of keys/items under ``node``; report duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*loc, str(key_node.value))
            line = key_node.start_mark.line + 1
            if key in lines:
                problems.append(f"{path}:{line} {display(key)}: duplicate key (first at line "
                                f"{lines[key]}); keep only one")
            lines[key] = line
            _mark(value_node, key, lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _mark(item, (*loc, index), lines, problems, path)


def display(loc: Loc) -> str:
    """``('devices', 2, 'snmp')`` -> ``devices[2].snmp``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def describe(
    exc: ValidationError,
    path: Path,
    data: Mapping[str, Any],
    lines: LineMap,
    root: type[BaseModel],
    secret_env: Mapping[str, str],
    inherited: Mapping[str, Loc],
) -> list[str]:
    """One ``file:line key: problem; fix`` string per pydantic error, duplicates merged.

    Inputs are never echoed: they may be secrets.
    """
    found: list[tuple[int, str]] = []
    for err in exc.errors(include_url=False, include_input=False, include_context=False):
        loc, owner = _resolve(root, err["loc"])
        loc = _source_of(loc, data, inherited)
        line = _line_for(loc, lines)
        where = f"{path}:{line}" if line else str(path)
        message = f"{where} {display(loc)}: {_message(err, loc, owner, secret_env)}"
        found.append((line or 0, message))
    found.sort(key=lambda item: item[0])  # stable: file order, then pydantic's order
    return list(dict.fromkeys(message for _, message in found))


def _message(
    err: ErrorDetails, loc: Loc, owner: type[BaseModel] | None, secret_env: Mapping[str, str]
) -> str:
    key = str(loc[-1]) if loc else ""
    kind = err["type"]
    if kind == "missing":
        hint = f"set it or {secret_env[key]}" if key in secret_env else "add it"
        return f"missing; {hint}"
    if kind == "extra_forbidden":
        return f"unknown key; {_suggest(key, owner)}"
    if kind == "union_tag_invalid":
        return "unknown SNMP version; use version: \"2c\" or version: \"3\""
    return str(err["msg"]).removeprefix("Value error, ")


def _suggest(key: str, owner: type[BaseModel] | None) -> str:
    valid = list(owner.model_fields) if owner is not None else []
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"valid keys here: {', '.join(valid)}" if valid else "remove it"


def _resolve(root: type[BaseModel], loc: Loc) -> tuple[Loc, type[BaseModel] | None]:
    """Drop discriminator tags from a pydantic loc; find the model holding its last key."""
    ann: Any = root
    clean: list[str | int] = []
    owner: type[BaseModel] | None = None
    for part in loc:
        model = _as_model(ann)
        if isinstance(part, int):
            clean.append(part)
            ann = _item_type(ann)
        elif model is not None:
            owner = model
            clean.append(part)
            field = model.model_fields.get(part)
            ann = field.annotation if field is not None else None
        elif (member := _tagged_member(ann, part)) is not None:
            ann = member
        else:
            clean.append(part)
            ann = None
    return tuple(clean), owner


def _members(ann: Any) -> tuple[Any, ...]:
    if get_origin(ann) in (Union, types.UnionType):
        return tuple(a for a in get_args(ann) if a is not type(None))
    return (ann,)


def _as_model(ann: Any) -> type[BaseModel] | None:
    members = _members(ann)
    only = members[0] if len(members) == 1 else None
    return only if isinstance(only, type) and issubclass(only, BaseModel) else None


def _item_type(ann: Any) -> Any:
    return get_args(ann)[0] if get_origin(ann) is list and get_args(ann) else None


def _tagged_member(ann: Any, tag: str) -> type[BaseModel] | None:
    for member in _members(ann):
        if isinstance(member, type) and issubclass(member, BaseModel):
            version = member.model_fields.get("version")
            if version is not None and tag in get_args(version.annotation):
                return member
    return None


def _source_of(loc: Loc, data: Mapping[str, Any], inherited: Mapping[str, Loc]) -> Loc:
    """Point an error in a value a device inherited at the line it was inherited from."""
    if len(loc) < 3 or loc[0] != "devices" or not isinstance(loc[1], int):
        return loc
    key, rest = loc[2], loc[3:]
    if not isinstance(key, str) or key not in inherited:
        return loc
    device = _get(data, loc[:2])
    own = device.get(key) if isinstance(device, dict) else None
    source = (*inherited[key], *rest)
    if key == "snmp":
        unset = rest and not (isinstance(own, dict) and rest[0] in own)
        return source if unset and _get(data, source) is not None else loc
    return source if own is None and _get(data, source) is not None else loc


def _get(data: Any, loc: Loc) -> Any:
    for part in loc:
        in_list = isinstance(part, int) and isinstance(data, list) and part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        else:
            return None
    return data


def _line_for(loc: Loc, lines: LineMap) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def replace_validated(path: Path, text: str, validate: Callable[[Path], object]) -> Path:
    """Replace ``path`` with ``text`` only if ``validate`` accepts it; keep ``.bak``."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            validate(tmp)
        except ConfigError as exc:
            raise ConfigError([p.replace(str(tmp), str(path)) for p in exc.problems]) from None
        shutil.copy2(path, path.with_name(path.name + ".bak"))
        tmp.chmod(path.stat().st_mode & 0o777)  # the file may hold secrets: keep its mode
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
