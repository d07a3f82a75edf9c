from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DiscoveryPublic")


@_attrs_define
class DiscoveryPublic:
    """A discovery and its progress.

    Attributes:
        agent_id (UUID):
        cidrs (list[str]):
        concurrency (int):
        created_at (datetime.datetime):
        credential_set_ids (list[UUID]):
        error (None | str):
        finished_at (datetime.datetime | None):
        id (UUID):
        percent (float): Share of the addresses probed so far, 0 to 100.
        port (int):
        scanned (int):
        site_id (UUID):
        state (str): pending, running, done or failed
        timeout_s (float):
        total (int):
    """

    agent_id: UUID
    cidrs: list[str]
    concurrency: int
    created_at: datetime.datetime
    credential_set_ids: list[UUID]
    error: None | str
    finished_at: datetime.datetime | None
    id: UUID
    percent: float
    port: int
    scanned: int
    site_id: UUID
    state: str
    timeout_s: float
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        agent_id = str(self.agent_id)

        cidrs = self.cidrs

        concurrency = self.concurrency

        created_at = self.created_at.isoformat()

        credential_set_ids = []
        for credential_set_ids_item_data in self.credential_set_ids:
            credential_set_ids_item = str(credential_set_ids_item_data)
            credential_set_ids.append(credential_set_ids_item)

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = str(self.id)

        percent = self.percent

        port = self.port

        scanned = self.scanned

        site_id = str(self.site_id)

        state = self.state

        timeout_s = self.timeout_s

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "agent_id": agent_id,
                "cidrs": cidrs,
                "concurrency": concurrency,
                "created_at": created_at,
                "credential_set_ids": credential_set_ids,
                "error": error,
                "finished_at": finished_at,
                "id": id,
                "percent": percent,
                "port": port,
                "scanned": scanned,
                "site_id": site_id,
                "state": state,
                "timeout_s": timeout_s,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agent_id = UUID(d.pop("agent_id"))

        cidrs = cast(list[str], d.pop("cidrs"))

        concurrency = d.pop("concurrency")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        credential_set_ids = []
        _credential_set_ids = d.pop("credential_set_ids")
        for credential_set_ids_item_data in _credential_set_ids:
            credential_set_ids_item = UUID(credential_set_ids_item_data)

            credential_set_ids.append(credential_set_ids_item)

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = UUID(d.pop("id"))

        percent = d.pop("percent")

        port = d.pop("port")

        scanned = d.pop("scanned")

        site_id = UUID(d.pop("site_id"))

        state = d.pop("state")

        timeout_s = d.pop("timeout_s")

        total = d.pop("total")

        discovery_public = cls(
            agent_id=agent_id,
            cidrs=cidrs,
            concurrency=concurrency,
            created_at=created_at,
            credential_set_ids=credential_set_ids,
            error=error,
            finished_at=finished_at,
            id=id,
            percent=percent,
            port=port,
            scanned=scanned,
            site_id=site_id,
            state=state,
            timeout_s=timeout_s,
            total=total,
        )

        discovery_public.additional_properties = d
        return discovery_public

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
