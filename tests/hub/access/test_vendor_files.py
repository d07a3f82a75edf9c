"""Vendor attribute files (hub/access/vendors/*.yaml): every shipped file is valid, names only
attributes FreeRADIUS's dictionaries know, covers every vendor a NAS may have, and a mistake
in a file is a clear error naming the file and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hub.access.answer import Answer, Rate, parse_vendor, vendor_pairs, vendors
from hub.access.models import NAS_VENDORS

DICTIONARIES = Path("/usr/share/freeradius")


def _known_attributes() -> set[str]:
    names = set()
    for path in DICTIONARIES.glob("dictionary*"):
        for line in path.read_text(errors="replace").splitlines():
            match = re.match(r"^ATTRIBUTE\s+(\S+)", line)
            if match:
                names.add(match.group(1))
    return names


def test_every_vendor_has_a_file_with_attributes_freeradius_knows() -> None:
    shipped = vendors()
    assert set(shipped) == set(NAS_VENDORS)
    known = _known_attributes()
    for vendor in shipped.values():
        for name, _ in (*vendor.rate, *vendor.walled_garden):
            assert name in known, f"{vendor.vendor}: {name} not in FreeRADIUS dictionaries"
        filled = vendor_pairs(vendor, "rate", Rate(20_000, 5_000), "garden")
        assert all("{" not in value for _, value in filled)


@pytest.mark.parametrize(("text", "message"), [
    ("vendor: x\ndescription: d\nrate: []\nwalled_garden:\n  - {attribute: B, value: v}\n",
     "x.yaml rate: [] should be non-empty"),
    ("vendor: x\ndescription: d\nrate:\n  - {attribute: A, value: '{speed}'}\n"
     "walled_garden:\n  - {attribute: B, value: v}\n", "unknown placeholder(s) ['speed']"),
    ("vendor: x\ndescription: d\nrate:\n  - {attribute: A, value: v, extra: 1}\n"
     "walled_garden:\n  - {attribute: B, value: v}\n", "Additional properties"),
])
def test_a_broken_vendor_file_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_vendor(text, "vendors/x.yaml")


def test_answers_never_let_freeradius_expand_values() -> None:
    body = Answer(True, control=[("Cleartext-Password", "p%{exec:/bin/sh}")],
                  reply=[("Cisco-AVPair", "a"), ("Cisco-AVPair", "b")]).rest_json()
    assert body["control:Cleartext-Password"]["do_xlat"] is False
    assert body["reply:Cisco-AVPair"] == {"op": "+=", "do_xlat": False, "is_json": False,
                                          "value": ["a", "b"]}
