from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="EnrollmentTokenCreate")


@_attrs_define
class EnrollmentTokenCreate:
    """A new one-time enrollment token for a site.

    Attributes:
        agent_name (None | str | Unset): lowercase letters, digits, '.', '_' or '-' (the protocol's agent id rules);
            default: derived from the site name
        ttl_s (int | None | Unset): lifetime in seconds (default DOTMAC_HUB_ENROLL_TOKEN_TTL)
    """

    agent_name: None | str | Unset = UNSET
    ttl_s: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        agent_name: None | str | Unset
        if isinstance(self.agent_name, Unset):
            agent_name = UNSET
        else:
            agent_name = self.agent_name

        ttl_s: int | None | Unset
        if isinstance(self.ttl_s, Unset):
            ttl_s = UNSET
        else:
            ttl_s = self.ttl_s

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if agent_name is not UNSET:
            field_dict["agent_name"] = agent_name
        if ttl_s is not UNSET:
            field_dict["ttl_s"] = ttl_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_agent_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agent_name = _parse_agent_name(d.pop("agent_name", UNSET))

        def _parse_ttl_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        ttl_s = _parse_ttl_s(d.pop("ttl_s", UNSET))

        enrollment_token_create = cls(
            agent_name=agent_name,
            ttl_s=ttl_s,
        )

        return enrollment_token_create
