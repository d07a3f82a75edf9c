from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="UserPublic")


@_attrs_define
class UserPublic:
    """A user as the API shows it (never the password hash).

    Attributes:
        created_at (datetime.datetime):
        customer_id (None | UUID):
        email (str):
        full_name (str):
        id (UUID):
        is_active (bool):
        role (Role): What a person does for the ISP; each role maps to a fixed set of permissions.
    """

    created_at: datetime.datetime
    customer_id: None | UUID
    email: str
    full_name: str
    id: UUID
    is_active: bool
    role: Role
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        customer_id: None | str
        if isinstance(self.customer_id, UUID):
            customer_id = str(self.customer_id)
        else:
            customer_id = self.customer_id

        email = self.email

        full_name = self.full_name

        id = str(self.id)

        is_active = self.is_active

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "customer_id": customer_id,
                "email": email,
                "full_name": full_name,
                "id": id,
                "is_active": is_active,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_customer_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                customer_id_type_0 = UUID(data)

                return customer_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        customer_id = _parse_customer_id(d.pop("customer_id"))

        email = d.pop("email")

        full_name = d.pop("full_name")

        id = UUID(d.pop("id"))

        is_active = d.pop("is_active")

        role = Role(d.pop("role"))

        user_public = cls(
            created_at=created_at,
            customer_id=customer_id,
            email=email,
            full_name=full_name,
            id=id,
            is_active=is_active,
            role=role,
        )

        user_public.additional_properties = d
        return user_public

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
