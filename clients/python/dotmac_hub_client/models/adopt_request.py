from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.adopt_candidate import AdoptCandidate


T = TypeVar("T", bound="AdoptRequest")


@_attrs_define
class AdoptRequest:
    """Candidates to adopt, all in one transaction.

    Attributes:
        candidates (list[AdoptCandidate]):
    """

    candidates: list[AdoptCandidate]

    def to_dict(self) -> dict[str, Any]:
        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "candidates": candidates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.adopt_candidate import AdoptCandidate  # noqa: PLC0415

        d = dict(src_dict)
        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in _candidates:
            candidates_item = AdoptCandidate.from_dict(candidates_item_data)

            candidates.append(candidates_item)

        adopt_request = cls(
            candidates=candidates,
        )

        return adopt_request
