"""Hypothesis strategies drawn from the hub's own OpenAPI document (a small schemathesis)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from hypothesis import strategies as st

JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                      st.integers(), max_size=2))


class SchemaStrategies:
    """Build strategies for JSON Schema fragments, resolving `#/components/...` refs."""

    def __init__(self, document: dict[str, Any], known_ids: list[str]) -> None:
        self.document = document
        self.known_ids = known_ids

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Follow a $ref to its definition."""
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def valid(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        """Values that (mostly) satisfy `schema`."""
        schema = self.resolve(schema)
        if "anyOf" in schema:
            return st.one_of([self.valid(s) for s in schema["anyOf"]])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        builder = {"string": self._string, "integer": self._integer, "boolean": lambda _:
                   st.booleans(), "null": lambda _: st.none(), "array": self._array,
                   "object": self._object}.get(kind or "object")
        return builder(schema) if builder else JUNK

    def maybe_invalid(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        """Mostly valid values, sometimes junk of any type."""
        return st.one_of(self.valid(schema), self.valid(schema), self.valid(schema), JUNK)

    def _string(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        fmt = schema.get("format")
        if fmt == "uuid":
            return st.one_of(st.sampled_from(self.known_ids), st.uuids().map(str))
        if fmt == "date-time":
            return st.datetimes(timezones=st.just(UTC)).map(
                lambda d: d.isoformat())
        if fmt == "ipvanyaddress":
            return st.one_of(st.ip_addresses().map(str), st.text(max_size=15))
        lo, hi = schema.get("minLength", 0), schema.get("maxLength", 40)
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(
                lambda s: lo <= len(s) <= hi)
        return st.text(min_size=lo, max_size=min(hi, 40))

    def _integer(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        return st.integers(schema.get("minimum", -10), schema.get("maximum", 10_000))

    def _array(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        return st.lists(self.valid(schema.get("items", {})), min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 4), 4))

    def _object(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: self.maybe_invalid(v) for k, v in props.items() if k in required},
            optional={k: self.maybe_invalid(v) for k, v in props.items() if k not in required})
