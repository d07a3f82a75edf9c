from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AlarmNote")


@_attrs_define
class AlarmNote:
    """An optional note recorded with an action (acknowledge, close...).

    Attributes:
        text (str | Unset):  Default: ''.
    """

    text: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        text = d.pop("text", UNSET)

        alarm_note = cls(
            text=text,
        )

        return alarm_note
