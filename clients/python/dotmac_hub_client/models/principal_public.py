from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.principal_public_kind import PrincipalPublicKind

T = TypeVar("T", bound="PrincipalPublic")


@_attrs_define
class PrincipalPublic:
    """Who the credentials belong to and what they allow.

    Attributes:
        id (UUID):
        kind (PrincipalPublicKind):
        permissions (list[str]):
        roles (list[str]):
        tenant_id (UUID):
    """

    id: UUID
    kind: PrincipalPublicKind
    permissions: list[str]
    roles: list[str]
    tenant_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        kind = self.kind.value

        permissions = self.permissions

        roles = self.roles

        tenant_id = str(self.tenant_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "permissions": permissions,
                "roles": roles,
                "tenant_id": tenant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = PrincipalPublicKind(d.pop("kind"))

        permissions = cast(list[str], d.pop("permissions"))

        roles = cast(list[str], d.pop("roles"))

        tenant_id = UUID(d.pop("tenant_id"))

        principal_public = cls(
            id=id,
            kind=kind,
            permissions=permissions,
            roles=roles,
            tenant_id=tenant_id,
        )

        principal_public.additional_properties = d
        return principal_public

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
