from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EnrollRequest")


@_attrs_define
class EnrollRequest:
    """What `dotmac-agent enroll` sends: the token and, optionally, the name it wants.

    Attributes:
        token (str):
        agent_name (None | str | Unset):
    """

    token: str
    agent_name: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        agent_name: None | str | Unset
        if isinstance(self.agent_name, Unset):
            agent_name = UNSET
        else:
            agent_name = self.agent_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "token": token,
            }
        )
        if agent_name is not UNSET:
            field_dict["agent_name"] = agent_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        def _parse_agent_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_name = _parse_agent_name(d.pop("agent_name", UNSET))

        enroll_request = cls(
            token=token,
            agent_name=agent_name,
        )

        return enroll_request
