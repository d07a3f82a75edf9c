"""Help and error text of both CLIs prints literally: nothing in brackets is eaten as markup.

The commands and their environment variables are read from the typer apps themselves, so
a command, an option or a renamed variable added later is checked without editing this file.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.core import TyperCommand, TyperGroup
from typer.testing import CliRunner

import hub
from edge_agent.cli import app as agent_app
from hub.cli import app as hub_app
from hub.settings_env import EnvSettings
from protocol.topics import AGENT_ID_PATTERN

WIDE = {"COLUMNS": "200"}  # wide enough that no variable name or bracket pair is wrapped
# "[env DOTMAC_HUB_HOST]", "env DOTMAC_X": variables named in a help text.
ENV_IN_TEXT = re.compile(r"\benv (?:var: )?([A-Z][A-Z0-9_]+)")
BRACKETED = re.compile(r"\[[^\[\]\n]+\]")
APPS = {"dotmac-agent": agent_app, "dotmac-hub": hub_app}


def _walk(command: TyperCommand | TyperGroup, path: tuple[str, ...] = ()
          ) -> Iterator[tuple[tuple[str, ...], TyperCommand | TyperGroup]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def _commands() -> list[tuple[str, tuple[str, ...]]]:
    return [(script, path) for script, app in APPS.items()
            for path, _ in _walk(typer.main.get_command(app))]


def _command(script: str, path: tuple[str, ...]) -> TyperCommand | TyperGroup:
    return dict(_walk(typer.main.get_command(APPS[script])))[path]


def _declared_env_vars(command: TyperCommand | TyperGroup) -> set[str]:
    """Every variable an option declares (`envvar=`) or names in its help text."""
    names: set[str] = set()
    for param in command.params:
        envvar = getattr(param, "envvar", None)
        names.update([envvar] if isinstance(envvar, str) else envvar or [])
        names.update(ENV_IN_TEXT.findall(getattr(param, "help", None) or ""))
    return names


def _raw_help_texts(command: TyperCommand | TyperGroup) -> list[str]:
    return [command.help or "", *(getattr(p, "help", None) or "" for p in command.params)]


def _help(script: str, path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(APPS[script], [*path, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # rich reflows paragraphs: compare word by word


def test_both_clis_have_commands_to_check() -> None:
    found = _commands()
    assert {script for script, _ in found} == set(APPS)
    assert len(found) > 10 and any(len(path) == 2 for _, path in found)  # sub-groups too
    assert any(_declared_env_vars(_command(s, p)) for s, p in found if s == "dotmac-hub")


@pytest.mark.parametrize(("script", "path"), _commands(),
                         ids=lambda value: " ".join(value) if isinstance(value, tuple) else value)
def test_help_names_every_env_var_and_bracket_literally(script: str, path: tuple[str, ...]
                                                        ) -> None:
    command = _command(script, path)
    shown = _help(script, path)
    for name in _declared_env_vars(command):
        assert name in shown, f"{script} {' '.join(path)} --help lost {name}"
    for text in _raw_help_texts(command):
        for bracketed in BRACKETED.findall(" ".join(text.split())):
            assert bracketed in shown, f"{script} {' '.join(path)} --help lost {bracketed}"
    assert "\\[" not in shown, f"{script} {' '.join(path)} --help shows an escape"


def _hub_settings_classes() -> list[type[EnvSettings]]:
    """Every settings class of the hub (each hub/**/settings.py module is loaded first)."""
    for module in pkgutil.walk_packages(hub.__path__, "hub."):
        if module.name.rpartition(".")[2] == "settings":
            importlib.import_module(module.name)
    found: list[type[EnvSettings]] = []
    pending = [EnvSettings]
    while pending:
        found.append(pending.pop())
        pending += found[-1].__subclasses__()
    return found


def test_hub_help_names_no_deprecated_variable() -> None:
    classes = _hub_settings_classes()
    assert len(classes) > 2, classes  # the base, HubSettings and one class per concern
    old = {name for settings_class in classes for name in settings_class.renamed_env}
    for script, path in _commands():
        if script == "dotmac-hub":
            shown = set(re.findall(r"DOTMAC_HUB_[A-Z0-9_]+", _help(script, path)))
            assert not shown & old, f"dotmac-hub {' '.join(path)} --help names {shown & old}"


def test_refused_agent_id_prints_the_whole_pattern() -> None:
    binary = Path(sys.executable).parent / "dotmac-agent"
    out = subprocess.run([str(binary), "topics", "BAD ID"], capture_output=True, text=True,
                         timeout=60, env={**os.environ, **WIDE}, check=False)
    assert out.returncode == 2
    assert "agent id refused" in out.stderr
    assert AGENT_ID_PATTERN in out.stderr, out.stderr
