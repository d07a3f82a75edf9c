"""The RADIUS answer for one subscriber, built from data: the plan's speeds, the subscription's
state and the NAS vendor's attribute file (hub/access/vendors/<vendor>.yaml).

Pure functions: no database, no network. The service gathers the facts, this module decides,
and `Answer.rest_json()` is the body FreeRADIUS's rest module turns into attributes.

A vendor file lists, for a rate and for the walled garden, attribute/value templates with
these placeholders: {down_kbps} {up_kbps} {down_bps} {up_bps} {walled_garden}.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

PLACEHOLDERS = frozenset({"down_kbps", "up_kbps", "down_bps", "up_bps", "walled_garden"})
SUSPENDED_ACTIONS = ("reject", "walled_garden", "throttle")


@dataclass(frozen=True)
class VendorAttributes:
    """One NAS vendor's reply attributes: (attribute, value template) pairs."""

    vendor: str
    description: str
    rate: tuple[tuple[str, str], ...]
    walled_garden: tuple[tuple[str, str], ...]


def _pairs(items: list[dict[str, str]], where: str) -> tuple[tuple[str, str], ...]:
    for item in items:
        names = {name for _, name, _, _ in string.Formatter().parse(item["value"]) if name}
        unknown = names - PLACEHOLDERS
        if unknown:
            raise ValueError(f"{where} {item['attribute']}: unknown placeholder(s) "
                             f"{sorted(unknown)}; use {sorted(PLACEHOLDERS)}")
    return tuple((item["attribute"], item["value"]) for item in items)


def parse_vendor(text: str, where: str) -> VendorAttributes:
    """One vendor file, checked against vendor.schema.json and the placeholder list."""
    schema = json.loads(_vendor_dir().joinpath("vendor.schema.json").read_text())
    data = yaml.safe_load(text)
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        path = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise ValueError(f"{where} {path}: {exc.message}") from exc
    return VendorAttributes(data["vendor"], data["description"],
                            _pairs(data["rate"], f"{where} rate"),
                            _pairs(data["walled_garden"], f"{where} walled_garden"))


def _vendor_dir() -> Any:
    return resources.files("hub.access").joinpath("vendors")


@cache
def vendors() -> dict[str, VendorAttributes]:
    """Every shipped vendor file by vendor name (read once per process)."""
    found = {}
    for entry in sorted(_vendor_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            parsed = parse_vendor(entry.read_text(), f"vendors/{entry.name}")
            if f"{parsed.vendor}.yaml" != entry.name:
                raise ValueError(f"vendors/{entry.name}: vendor {parsed.vendor!r} must match "
                                 "the file name")
            found[parsed.vendor] = parsed
    return found


@dataclass(frozen=True)
class Rate:
    """Speeds in kbit/s, as plans store them."""

    down_kbps: int
    up_kbps: int

    def values(self, walled_garden: str) -> dict[str, object]:
        """Placeholder values of a vendor template."""
        return {"down_kbps": self.down_kbps, "up_kbps": self.up_kbps,
                "down_bps": self.down_kbps * 1000, "up_bps": self.up_kbps * 1000,
                "walled_garden": walled_garden}


@dataclass
class Answer:
    """Accept (control + reply attributes) or reject (a reason label and a message)."""

    accept: bool
    reason: str = ""
    message: str = ""
    control: list[tuple[str, str]] = field(default_factory=list)
    reply: list[tuple[str, str]] = field(default_factory=list)

    def rest_json(self) -> dict[str, dict[str, object]]:
        """The rest module's response body: one entry per attribute, values never expanded
        by FreeRADIUS (`do_xlat` false: a password may contain `%{`), repeated attributes
        added (`+=`)."""
        reply = self.reply if self.accept else [("Reply-Message", self.message)]
        body: dict[str, dict[str, object]] = {}
        for prefix, pairs in (("control", self.control), ("reply", reply)):
            for name, value in pairs:
                entry = body.setdefault(f"{prefix}:{name}", {"op": ":=", "do_xlat": False,
                                                              "is_json": False, "value": []})
                values: list[str] = entry["value"]  # type: ignore[assignment]
                values.append(value)
                if len(values) > 1:
                    entry["op"] = "+="
        return body


def reject(reason: str, message: str) -> Answer:
    """A refusal: `reason` is the metric label, `message` the Reply-Message."""
    return Answer(False, reason=reason, message=message)


def vendor_pairs(vendor: VendorAttributes, what: str, rate: Rate, walled_garden: str
                 ) -> list[tuple[str, str]]:
    """The vendor's `rate` or `walled_garden` attributes, filled in."""
    templates = vendor.rate if what == "rate" else vendor.walled_garden
    values = rate.values(walled_garden)
    return [(name, template.format(**values)) for name, template in templates]


def rate_attributes(vendor: str, down_kbps: int, up_kbps: int) -> list[tuple[str, str]]:
    """A vendor's rate attributes for these speeds (for CoA as for Access-Accept)."""
    return vendor_pairs(vendors()[vendor], "rate", Rate(down_kbps, up_kbps), "")


# Reply attributes the hub adds beside a vendor's own (authorize.py: addresses, timers, Class;
# a refusal's Reply-Message).
SESSION_REPLY_ATTRIBUTES = ("Reply-Message", "Framed-IP-Address", "Framed-Pool",
                            "Framed-IPv6-Prefix", "Delegated-IPv6-Prefix", "Session-Timeout",
                            "Acct-Interim-Interval", "Class")


def reply_attribute_names() -> list[str]:
    """Every attribute an answer can put in a reply: the session attributes and each vendor
    file's rate and walled-garden attributes (the sql backend's policy copies these, and only
    these, into the reply)."""
    names = set(SESSION_REPLY_ATTRIBUTES)
    for vendor in vendors().values():
        names.update(name for name, _ in vendor.rate + vendor.walled_garden)
    return sorted(names)


def walled_garden_attributes(vendor: str, walled_garden: str) -> list[tuple[str, str]]:
    """A vendor's walled-garden attributes (for CoA as for Access-Accept)."""
    return vendor_pairs(vendors()[vendor], "walled_garden", Rate(0, 0), walled_garden)
