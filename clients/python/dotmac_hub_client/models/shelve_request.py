from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ShelveRequest")


@_attrs_define
class ShelveRequest:
    """Silence an alarm until a time: it stays recorded, raises and clears notify nobody.

    Attributes:
        until (datetime.datetime): when notifications resume (with a time zone)
        text (str | Unset):  Default: ''.
    """

    until: datetime.datetime
    text: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        until = self.until.isoformat()

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "until": until,
            }
        )
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        until = datetime.datetime.fromisoformat(d.pop("until"))

        text = d.pop("text", UNSET)

        shelve_request = cls(
            until=until,
            text=text,
        )

        return shelve_request
