"""Turning merged, validated profile dictionaries into the typed model."""

from __future__ import annotations

from typing import Any

from edge_agent.profiles.model import (
    Check,
    Detection,
    InterfaceColumns,
    Inventory,
    Label,
    Metric,
    Profile,
    Rule,
    Source,
    Table,
)
from edge_agent.snmp.ber import Oid, parse_oid


def _column(raw: dict[str, Any], key: str) -> Oid | None:
    ref = raw.get(key)
    return parse_oid(ref["oid"]) if ref else None


def metric(raw: dict[str, Any], interval: int) -> Metric:
    """A metric from its YAML mapping; `interval` is the profile default."""
    return Metric(
        name=raw["metric"],
        oid=parse_oid(raw["oid"]),
        symbol=raw["symbol"],
        kind=raw["kind"],
        unit=raw.get("unit"),
        bits=raw.get("bits"),
        divisor=raw.get("divisor"),
        multiplier=raw.get("multiplier"),
        multiply_by_column=_column(raw, "multiply_by_column"),
        value_map=tuple(sorted((int(k), v) for k, v in raw.get("value_map", {}).items())),
        interval=raw.get("interval", interval),
        skip=frozenset(raw.get("skip", ())),
        only_without=raw.get("only_without"),
        scale_column=_column(raw, "scale_column"),
        precision_column=_column(raw, "precision_column"),
        convert=raw.get("convert"),
    )


def table(name: str, raw: dict[str, Any], interval: int) -> Table:
    """A table from its YAML mapping."""
    where = raw.get("where")
    return Table(
        name=name,
        index_label=raw["index_label"],
        labels=tuple(
            Label(lab["label"], parse_oid(lab["oid"]), lab["symbol"], lab.get("regex"))
            for lab in raw.get("labels", [])
        ),
        metrics=tuple(metric(col, interval) for col in raw.get("columns", [])),
        row_filter=(raw["row_filter"]["label"], raw["row_filter"]["regex"])
        if "row_filter" in raw
        else None,
        where=(parse_oid(where["oid"]), where["equals"]) if where else None,
    )


def _source(raw: dict[str, Any]) -> Source:
    where = raw.get("where")
    return Source(
        oid=parse_oid(raw["oid"]) if "oid" in raw else None,
        walk=parse_oid(raw["walk"]) if "walk" in raw else None,
        where=(parse_oid(where["oid"]), where["equals"]) if where else None,
        sys_descr=raw.get("sys_descr"),
        regex=raw.get("regex"),
    )


def _interfaces(raw: dict[str, Any] | None) -> InterfaceColumns | None:
    if not raw:
        return None
    return InterfaceColumns(**{key: parse_oid(ref["oid"]) for key, ref in raw.items()})


def inventory(raw: dict[str, Any]) -> Inventory:
    """Inventory sources from their YAML mapping."""
    return Inventory(
        model=tuple(_source(s) for s in raw.get("model", [])),
        serial=tuple(_source(s) for s in raw.get("serial", [])),
        version=tuple(_source(s) for s in raw.get("version", [])),
        interfaces=_interfaces(raw.get("interfaces")),
    )


def _checks(raw: list[dict[str, Any]]) -> tuple[Check, ...]:
    return tuple(Check(c["oid"], c["op"], c.get("value")) for c in raw)


def detection(raw: dict[str, Any]) -> Detection:
    """Detection settings from detection.yaml."""
    rules = tuple(
        Rule(
            sys_object_id=tuple(r.get("sys_object_id", ())),
            sys_object_id_except=tuple(r.get("sys_object_id_except", ())),
            sys_descr=tuple(r.get("sys_descr", ())),
            sys_descr_except=tuple(r.get("sys_descr_except", ())),
            snmpget=_checks(r.get("snmpget", [])),
            snmpget_except=_checks(r.get("snmpget_except", [])),
        )
        for r in raw["rules"]
    )
    return Detection(
        raw["vendor"], raw["text"], raw["priority"], rules, raw.get("fallback", False)
    )


def profile(
    name: str, det: dict[str, Any], polling: dict[str, Any], chain: tuple[str, ...]
) -> Profile:
    """The whole profile from its detection file and merged polling settings."""
    interval = polling.get("interval", 60)
    return Profile(
        name=name,
        detection=detection(det),
        interval=interval,
        scalars=tuple(metric(s, interval) for s in polling.get("scalars", [])),
        tables=tuple(table(n, t, interval) for n, t in polling.get("tables", {}).items()),
        inventory=inventory(polling.get("inventory", {})),
        chain=chain,
    )
