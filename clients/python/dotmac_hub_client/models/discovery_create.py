from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DiscoveryCreate")


@_attrs_define
class DiscoveryCreate:
    """A sweep of a site's networks for SNMP devices, run by one of its agents.

    Attributes:
        cidrs (list[str]): 1 to 16 IPv4/IPv6 networks, host bits clear, at most 65,536 addresses each and together
        credential_set_ids (list[UUID]): SNMP credential sets (snmp_v2c or snmp_v3) of the tenant, unbound or bound to
            this site; tried in this order
        agent_id (None | Unset | UUID): The agent that sweeps; default: the site's only non-revoked agent
        concurrency (int | Unset): Hosts probed at once Default: 32.
        port (int | Unset):  Default: 161.
        timeout_s (float | Unset): Per SNMP request Default: 1.0.
    """

    cidrs: list[str]
    credential_set_ids: list[UUID]
    agent_id: None | Unset | UUID = UNSET
    concurrency: int | Unset = 32
    port: int | Unset = 161
    timeout_s: float | Unset = 1.0

    def to_dict(self) -> dict[str, Any]:
        cidrs = self.cidrs

        credential_set_ids = []
        for credential_set_ids_item_data in self.credential_set_ids:
            credential_set_ids_item = str(credential_set_ids_item_data)
            credential_set_ids.append(credential_set_ids_item)

        agent_id: None | str | Unset
        if isinstance(self.agent_id, Unset):
            agent_id = UNSET
        elif isinstance(self.agent_id, UUID):
            agent_id = str(self.agent_id)
        else:
            agent_id = self.agent_id

        concurrency = self.concurrency

        port = self.port

        timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cidrs": cidrs,
                "credential_set_ids": credential_set_ids,
            }
        )
        if agent_id is not UNSET:
            field_dict["agent_id"] = agent_id
        if concurrency is not UNSET:
            field_dict["concurrency"] = concurrency
        if port is not UNSET:
            field_dict["port"] = port
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cidrs = cast(list[str], d.pop("cidrs"))

        credential_set_ids = []
        _credential_set_ids = d.pop("credential_set_ids")
        for credential_set_ids_item_data in _credential_set_ids:
            credential_set_ids_item = UUID(credential_set_ids_item_data)

            credential_set_ids.append(credential_set_ids_item)

        def _parse_agent_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                agent_id_type_0 = UUID(data)

                return agent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        agent_id = _parse_agent_id(d.pop("agent_id", UNSET))

        concurrency = d.pop("concurrency", UNSET)

        port = d.pop("port", UNSET)

        timeout_s = d.pop("timeout_s", UNSET)

        discovery_create = cls(
            cidrs=cidrs,
            credential_set_ids=credential_set_ids,
            agent_id=agent_id,
            concurrency=concurrency,
            port=port,
            timeout_s=timeout_s,
        )

        return discovery_create
