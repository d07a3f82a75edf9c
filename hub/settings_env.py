"""Environment variables of the hub's settings: each name is the class's prefix plus the
field name (`DOTMAC_HUB_BROKER_` + `host`), so it is written once, in the field; help text
and error messages ask the class for it instead of repeating it.

A renamed variable keeps working for one release: its class lists the old name in
`renamed_env`, and the old value is used, with a DeprecationWarning and a log line naming
the new variable. When both are set the new one wins, and the warning says so.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from dotenv import dotenv_values
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

log = logging.getLogger("dotmac.hub.settings")

_TRUE = ("1", "true", "yes", "on", "y", "t")


@dataclass(frozen=True)
class Switched:
    """An old variable that meant one of two fields depending on a switch (an old port
    variable meant the TLS port when TLS was on)."""

    switches: tuple[str, ...]  # variables of the switch, the first one set decides
    on: str
    off: str

    def field(self, env: Mapping[str, str]) -> str:
        """The field the old variable sets in this environment."""
        for name in self.switches:
            if name in env:
                return self.on if env[name].strip().lower() in _TRUE else self.off
        return self.off


# Old variable -> the field it now sets.
Rename = str | Switched
_logged: set[str] = set()  # old names already logged by this process (warned every read)


def env_config(prefix: str) -> SettingsConfigDict:
    """The settings config every hub settings class uses: variables `prefix` + field name,
    read from the environment and a `.env` file, unknown variables ignored."""
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore")


class EnvSettings(BaseSettings):
    """Base of every settings class of the hub: env names derived from fields, old names
    honoured for one release."""

    renamed_env: ClassVar[dict[str, Rename]] = {}

    @classmethod
    def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: the new names (environment, then .env) before the old ones.
        return (init_settings, env_settings, dotenv_settings, RenamedVariables(settings_cls),
                file_secret_settings)

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable of `field` (e.g. `DOTMAC_HUB_BROKER_HOST`)."""
        if field not in cls.model_fields:
            raise KeyError(f"{cls.__name__} has no setting {field!r}")
        return f"{cls.model_config.get('env_prefix', '')}{field}".upper()

    @classmethod
    def env_help(cls, field: str, text: str | None = None) -> str:
        """Help text of an option backed by `field`: its description (or `text`) and the
        variable, e.g. `Bind address [env DOTMAC_HUB_HOST].`"""
        words = (text or cls.model_fields[field].description or "").rstrip(". ")
        return f"{words} [env {cls.env_name(field)}]."

    @classmethod
    def env_rows(cls) -> list[tuple[str, str, str]]:
        """(variable, default, description) of every plain setting, for docs and `--help`;
        nested settings classes list their own."""
        return [(cls.env_name(name), _default_text(info), info.description or "")
                for name, info in cls.model_fields.items() if not _is_settings(info)]

    @classmethod
    def renamed_variables(cls) -> dict[str, str]:
        """Old variable -> new variable(s) (`A or B` when the environment decides)."""
        names = {}
        for old, rename in cls.renamed_env.items():
            if isinstance(rename, str):
                names[old] = cls.env_name(rename)
            else:
                names[old] = (f"{cls.env_name(rename.on)} (with {rename.switches[0]} on) "
                              f"or {cls.env_name(rename.off)}")
        return names


def _is_settings(info: FieldInfo) -> bool:
    kind = info.annotation
    return isinstance(kind, type) and issubclass(kind, BaseSettings)


def _default_text(info: FieldInfo) -> str:
    if info.default_factory is not None:
        return "(computed)"
    value = info.get_default()
    if value is None:
        return "unset"
    secret = getattr(value, "get_secret_value", None)
    return (secret() or "empty") if callable(secret) else str(value)


class RenamedVariables(PydanticBaseSettingsSource):
    """Values still set under a class's old variable names (see the module docstring)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything is done in __call__

    def __call__(self) -> dict[str, Any]:
        cls = self.settings_cls
        renames: dict[str, Rename] = getattr(cls, "renamed_env", {})
        if not renames:
            return {}
        env = _environment(cls.model_config.get("env_file"))
        values: dict[str, Any] = {}
        for old, rename in renames.items():
            if old not in env:
                continue
            field = rename if isinstance(rename, str) else rename.field(env)
            new = f"{cls.model_config.get('env_prefix', '')}{field}".upper()
            if new in env:
                _deprecated(old, f"{old} is deprecated and ignored: {new} is also set and "
                            f"wins; remove {old}")
                continue
            _deprecated(old, f"{old} is deprecated; rename it {new} (the old name stops "
                        "working in the next release)")
            values[field] = env[old]
        return values


def _environment(env_file: Any) -> dict[str, str]:
    """The process environment over the `.env` file, names upper-cased (pydantic-settings
    matches them case-insensitively too)."""
    merged: dict[str, str] = {}
    if isinstance(env_file, str | Path) and Path(env_file).is_file():
        merged.update({k.upper(): v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update({k.upper(): v for k, v in os.environ.items()})
    return merged


def _deprecated(old: str, message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=2)
    if old not in _logged:  # settings are read several times per process: say it once
        _logged.add(old)
        log.warning("settings.deprecated_variable variable=%s message=%r", old, message)
