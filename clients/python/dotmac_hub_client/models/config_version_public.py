from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConfigVersionPublic")


@_attrs_define
class ConfigVersionPublic:
    """One stored configuration of a device (the text itself is in the diff).

    Attributes:
        created_at (datetime.datetime):
        device_id (UUID):
        id (UUID):
        job_id (None | UUID):
        sha256 (str):
        version (int):
    """

    created_at: datetime.datetime
    device_id: UUID
    id: UUID
    job_id: None | UUID
    sha256: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        device_id = str(self.device_id)

        id = str(self.id)

        job_id: None | str
        if isinstance(self.job_id, UUID):
            job_id = str(self.job_id)
        else:
            job_id = self.job_id

        sha256 = self.sha256

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "device_id": device_id,
                "id": id,
                "job_id": job_id,
                "sha256": sha256,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        device_id = UUID(d.pop("device_id"))

        id = UUID(d.pop("id"))

        def _parse_job_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                job_id_type_0 = UUID(data)

                return job_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        job_id = _parse_job_id(d.pop("job_id"))

        sha256 = d.pop("sha256")

        version = d.pop("version")

        config_version_public = cls(
            created_at=created_at,
            device_id=device_id,
            id=id,
            job_id=job_id,
            sha256=sha256,
            version=version,
        )

        config_version_public.additional_properties = d
        return config_version_public

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
