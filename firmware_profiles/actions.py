"""CLI actions as profile data: `firmware_profiles/<os>/actions.yaml`, loaded and rendered.

The one action catalogue of the product: the hub checks a job against it before accepting
it, the agent checks again and renders the commands, so both refuse exactly the same jobs.
It imports neither `hub` nor `edge_agent` (both import it).

    from firmware_profiles.actions import load_actions, render
    platform = load_actions("cisco_ios")
    lines = render(platform.action("suspend_customer"), {"interface": "Gi0/2"})

Parameters are checked against the action's JSON Schema (and a blanket ban on newlines,
command separators and template syntax) before any template is rendered; templates run
in Jinja2's immutable sandbox with StrictUndefined, so a typo fails loudly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

import firmware_profiles
from firmware_profiles.action_model import (
    ACTIONS_FILE,
    Action,
    ActionError,
    Backup,
    Capture,
    CliMetric,
    Expectation,
    MetricField,
    PlatformActions,
    Prompts,
    Verify,
)

__all__ = [
    "ACTIONS_FILE",
    "Action",
    "ActionError",
    "Backup",
    "Capture",
    "CliMetric",
    "Expectation",
    "MetricField",
    "ParamError",
    "PlatformActions",
    "Prompts",
    "Verify",
    "check_captured",
    "check_params",
    "load_actions",
    "load_all_actions",
    "render",
    "render_rollback",
    "render_text",
]

SCHEMA_FILE = "actions.schema.json"
PARAM_TYPES_FILE = "param_types.yaml"
# Whatever a profile's schema says, these never reach a device from a job or from what was
# read off the device: they split one command into several (newline, ';', '|', backtick,
# and every other control or line-separator character str.splitlines or a terminal honours)
# or smuggle template syntax. A value the profile itself enumerates is exempt: a Junos
# `show ... | display set` is the profile author's pipe, not the caller's.
FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029;|`]|\{\{|\}\}|\{%|%\}|\{#")
MAX_PARAM_CHARS = 256

_env = ImmutableSandboxedEnvironment(
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
)
_env.filters["re"] = re.escape
_env.filters["slug"] = lambda value: re.sub(r"[^A-Za-z0-9]+", "-", str(value)).strip("-")


class ParamError(ValueError):
    """Job parameters refused before rendering; `problems` name each bad parameter."""

    def __init__(self, action: str, problems: list[str]) -> None:
        super().__init__(f"action {action}: params refused: {'; '.join(problems)}")
        self.problems = problems


@cache
def _schema(root: Path) -> Draft202012Validator:
    schema = json.loads((root / SCHEMA_FILE).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _param_types(root: Path) -> dict[str, Any]:
    data = yaml.safe_load((root / PARAM_TYPES_FILE).read_text()) or {}
    return dict(data)


def _compile(file: Path, key: str, template: str) -> None:
    try:
        _env.from_string(template)
    except TemplateError as exc:
        raise ActionError(file, key, f"bad template ({exc})", "fix the Jinja2 syntax") from exc


def _check_regex(file: Path, key: str, pattern: str) -> None:
    if "{{" in pattern or "{%" in pattern:
        _compile(file, key, pattern)
        return
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ActionError(file, key, f"bad regular expression ({exc})", "fix the regex") from exc


def _resolve(spec: Mapping[str, Any], types: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = spec.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(types.get(ref.removeprefix("#/$defs/"), {}))
    return spec


def _check_param_safety(file: Path, key: str, name: str, spec: Mapping[str, Any]) -> None:
    """Refuse a parameter type loose enough to let an attacker shape a command."""
    if "enum" in spec:
        return
    kind = spec.get("type")
    safe = (kind == "string" and "pattern" in spec and "maxLength" in spec) or (
        kind == "integer" and "minimum" in spec and "maximum" in spec)
    if not safe:
        raise ActionError(file, f"{key}.params.{name}", "parameter is not strictly bounded",
                          "give strings a pattern and maxLength, integers minimum and maximum, "
                          "or use enum or a $ref to param_types.yaml")


def _param_schema(file: Path, key: str, body: Mapping[str, Any], types: Mapping[str, Any]
                  ) -> dict[str, Any]:
    params: dict[str, Any] = dict(body.get("params", {}))
    optional = set(body.get("optional", []))
    for name, spec in params.items():
        resolved = _resolve(spec, types)
        if not resolved:
            raise ActionError(file, f"{key}.params.{name}", f"unknown type {spec.get('$ref')!r}",
                              f"use one of {', '.join(sorted(types))}")
        _check_param_safety(file, key, name, resolved)
    schema = {"type": "object", "additionalProperties": False, "properties": params,
              "required": sorted(set(params) - optional), "$defs": dict(types)}
    Draft202012Validator.check_schema(schema)
    return schema


def _action(file: Path, key: str, name: str, body: Mapping[str, Any],
            types: Mapping[str, Any]) -> Action:
    for part in ("template", "rollback"):
        if part in body:
            _compile(file, f"{key}.{part}", body[part])
    verify = capture = None
    if "verify" in body:
        v = body["verify"]
        _compile(file, f"{key}.verify.command", v["command"])
        expect = []
        for index, item in enumerate(v["expect"]):
            (kind, regex), = item.items()
            _check_regex(file, f"{key}.verify.expect.{index}.{kind}", regex)
            expect.append(Expectation(kind, regex))
        verify = Verify(v["command"], tuple(expect))
    if "capture" in body:
        c = body["capture"]
        _compile(file, f"{key}.capture.command", c["command"])
        for field_name, regex in c["fields"].items():
            _check_regex(file, f"{key}.capture.fields.{field_name}", regex)
        capture = Capture(c["command"], dict(c["fields"]))
    for fact, regex in body.get("parse", {}).items():
        _check_regex(file, f"{key}.parse.{fact}", regex)
    return Action(name=name, description=body["description"], kind=body["kind"],
                  schema=_param_schema(file, key, body, types), template=body.get("template"),
                  verify=verify, rollback=body.get("rollback"), capture=capture,
                  parse=dict(body.get("parse", {})), napalm=body.get("napalm"))


def _actions(file: Path, doc: Mapping[str, Any], types: Mapping[str, Any]) -> dict[str, Action]:
    mode = doc.get("suspend_mode", "shutdown")
    out: dict[str, Action] = {}
    for name, body in doc["actions"].items():
        key = f"actions.{name}"
        if "variants" in body:
            if mode not in body["variants"]:
                raise ActionError(file, f"{key}.variants", f"no variant for suspend_mode {mode}",
                                  f"add variants.{mode} or change suspend_mode")
            body, key = body["variants"][mode], f"{key}.variants.{mode}"
        out[name] = _action(file, key, name, body, types)
    return out


def _backup(doc: Mapping[str, Any], file: Path) -> Backup | None:
    spec = doc.get("backup")
    if spec is None:
        return None
    for index, rule in enumerate(spec.get("scrub", [])):
        _check_regex(file, f"backup.scrub.{index}.pattern", rule["pattern"])
    for index, pattern in enumerate(spec.get("normalise", [])):
        _check_regex(file, f"backup.normalise.{index}", pattern)
    return Backup(spec["command"], spec.get("start_at"),
                  tuple((r["pattern"], r["replace"]) for r in spec.get("scrub", [])),
                  tuple(spec.get("normalise", [])))


def _save_confirm(doc: Mapping[str, Any], file: Path) -> tuple[str, str] | None:
    spec = doc.get("save_confirm")
    if spec is None:
        return None
    _check_regex(file, "save_confirm.question", spec["question"])
    return spec["question"], spec["answer"]


def _prompts(doc: Mapping[str, Any], file: Path) -> Prompts | None:
    spec = doc.get("prompts")
    if spec is None:
        return None
    _check_regex(file, "prompts.config", spec["config"])
    _check_regex(file, "prompts.exec", spec["exec"])
    return Prompts(spec["config"], spec["exec"], spec.get("leave"))


def _textfsm_path(folder: Path, name: str, file: Path, key: str) -> Path:
    if name.startswith("ntc:"):
        import ntc_templates  # optional: only profiles that name ntc templates need it

        path = Path(ntc_templates.__file__).parent / "templates" / name.removeprefix("ntc:")
    else:
        path = folder / "textfsm" / name
    if not path.exists():
        raise ActionError(file, key, f"TextFSM template {name} not found",
                          f"add {folder.name}/textfsm/{name} or name an ntc-templates file")
    return path


def _cli_metrics(folder: Path, doc: Mapping[str, Any], file: Path) -> tuple[CliMetric, ...]:
    out = []
    for index, spec in enumerate(doc.get("cli_metrics", [])):
        key = f"cli_metrics.{index}"
        path = None
        if "textfsm" in spec:
            path = _textfsm_path(folder, spec["textfsm"], file, f"{key}.textfsm")
        elif "napalm_driver" not in doc:
            raise ActionError(file, f"{key}.napalm", "napalm getter without a napalm_driver",
                              "set napalm_driver or use command + textfsm")
        fields = tuple(MetricField(m["field"], m["metric"], m["kind"], m.get("unit"))
                       for m in spec["metrics"])
        out.append(CliMetric(spec.get("command"), path, dict(spec["labels"]), fields,
                             spec.get("interval"), spec.get("napalm")))
    return tuple(out)


def _read(file: Path, root: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(file.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ActionError(file, "", f"not valid YAML ({exc})", "fix the YAML syntax") from exc
    error = best_match(_schema(root).iter_errors(doc))
    if error is not None:
        key = ".".join(str(p) for p in error.absolute_path) or "(top)"
        raise ActionError(file, key, error.message, f"see {SCHEMA_FILE} and docs/provisioning.md")
    if doc["os"] != file.parent.name:
        raise ActionError(file, "os", f"{doc['os']!r} differs from folder {file.parent.name!r}",
                          "make os equal to the folder name")
    return dict(doc)


def load_actions(os_name: str, root: Path | None = None) -> PlatformActions:
    """The validated actions of profile `os_name` (ActionError when absent or invalid)."""
    root = root or firmware_profiles.root()
    file = root / os_name / ACTIONS_FILE
    if not file.exists():
        raise ActionError(file, "", "no actions file",
                          f"profile {os_name} has no CLI actions; add {ACTIONS_FILE}")
    doc = _read(file, firmware_profiles.root())
    types = _param_types(firmware_profiles.root())
    return PlatformActions(
        os=doc["os"], device_type=doc["netmiko_device_type"],
        actions=_actions(file, doc, types), napalm_driver=doc.get("napalm_driver"),
        enable=doc.get("enable", False), commit=doc.get("commit", False),
        discard_command=doc.get("discard_command"),
        save_command=doc.get("save_command"), save_in_config=doc.get("save_in_config", False),
        save_confirm=_save_confirm(doc, file), prompts=_prompts(doc, file),
        error_patterns=tuple(doc.get("error_patterns", ())),
        suspend_mode=doc.get("suspend_mode", "shutdown"), backup=_backup(doc, file),
        cli_metrics=_cli_metrics(file.parent, doc, file),
    )


def load_all_actions(root: Path | None = None) -> dict[str, PlatformActions]:
    """Every profile folder's actions (folders without actions.yaml are skipped)."""
    root = root or firmware_profiles.root()
    return {folder.name: load_actions(folder.name, root)
            for folder in sorted(root.iterdir()) if (folder / ACTIONS_FILE).exists()}


def _unsafe(name: str, value: object) -> list[str]:
    """The blanket ban on one value that reaches a template (job parameter or captured)."""
    if not isinstance(value, str):
        return []
    problems = []
    if FORBIDDEN.search(value):
        problems.append(f"{name}: contains a control character, ';', '|', '`' or template "
                        "syntax")
    if len(value) > MAX_PARAM_CHARS:
        problems.append(f"{name}: longer than {MAX_PARAM_CHARS} characters")
    return problems


def _enumerated(action: Action, name: str, value: object) -> bool:
    """The profile's own schema lists `value` for `name` (an author's value, not a caller's)."""
    spec = action.schema.get("properties", {}).get(name, {})
    return isinstance(spec, Mapping) and value in spec.get("enum", ())


def check_params(action: Action, params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` when the action's schema and the blanket ban accept them, else ParamError."""
    problems = [problem for name, value in params.items()
                if not _enumerated(action, name, value) for problem in _unsafe(name, value)]
    if not problems:
        validator = Draft202012Validator(action.schema)
        for error in sorted(validator.iter_errors(dict(params)), key=lambda e: list(e.path)):
            where = ".".join(str(p) for p in error.absolute_path) or "params"
            text = _describe(error.validator, error.validator_value, error.message)
            problems.append(f"{where}: {text}")
    if problems:
        raise ParamError(action.name, problems)
    return dict(params)


def check_captured(action: Action, before: Mapping[str, str | None]) -> dict[str, str | None]:
    """What `capture` read off the device, when every value may reach the rollback template
    (the same ban as job parameters: a hostile interface description must not become two
    commands), else ParamError naming the field."""
    problems = [problem for name, value in before.items()
                for problem in _unsafe(f"before.{name}", value)]
    if problems:
        raise ParamError(action.name, problems)
    return dict(before)


def _describe(validator: object, expected: object, message: str) -> str:
    # jsonschema's own messages repeat the offending value; a hostile value has no place in
    # job results or logs, so say what was expected instead.
    texts = {
        "pattern": f"does not match the allowed pattern {expected}",
        "maxLength": f"longer than {expected} characters",
        "minLength": f"shorter than {expected} characters",
        "minimum": f"must be at least {expected}",
        "maximum": f"must be at most {expected}",
        "enum": f"must be one of {expected}",
        "type": f"must be of type {expected}",
    }
    return texts.get(str(validator), message if len(message) <= 160 else message[:157] + "...")


def render_text(template: str, values: Mapping[str, Any]) -> str:
    """Render one template string in the sandbox (values must already be checked)."""
    return _env.from_string(template).render(**values)


def _lines(text: str) -> list[str]:
    # Only \n (and \r\n) end a command: str.splitlines would also split on \x0b, \x0c,
    # \x85 and \u2028, so one value could become two commands.
    return [line.strip() for line in text.split("\n") if line.strip()]


def render(action: Action, params: Mapping[str, Any]) -> list[str]:
    """The commands `action` sends for `params` (pure: validates, then renders)."""
    checked = check_params(action, params)
    if action.template is None:
        return []
    return _lines(render_text(action.template, checked))


def render_rollback(action: Action, params: Mapping[str, Any],
                    before: Mapping[str, str | None] | None = None) -> list[str]:
    """The commands that undo `action`; `before` holds what `capture` read."""
    checked = check_params(action, params)
    if action.rollback is None:
        return []
    fields = dict.fromkeys(action.capture.fields if action.capture else (), None)
    fields.update(check_captured(action, before or {}))
    return _lines(render_text(action.rollback, {**checked, "before": fields}))
