from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.tenant_create_kind_type_0 import TenantCreateKindType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tenant_owner import TenantOwner


T = TypeVar("T", bound="TenantCreate")


@_attrs_define
class TenantCreate:
    """A tenant beneath the caller's: the platform creates ISPs (or a reseller under one of
    its ISPs, named in `parent_id`); an ISP creates its resellers. A reseller creates none.

        Attributes:
            name (str):
            owner (TenantOwner): The first user of a new tenant: its owner, who signs in with this e-mail.
            kind (None | TenantCreateKindType0 | Unset): checked against the parent: an ISP sits under the platform, a
                reseller under an ISP (default: what the parent takes)
            parent_id (None | Unset | UUID): the tenant to create it under (default: the caller's tenant)
    """

    name: str
    owner: TenantOwner
    kind: None | TenantCreateKindType0 | Unset = UNSET
    parent_id: None | Unset | UUID = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        owner = self.owner.to_dict()

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, TenantCreateKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        parent_id: None | str | Unset
        if isinstance(self.parent_id, Unset):
            parent_id = UNSET
        elif isinstance(self.parent_id, UUID):
            parent_id = str(self.parent_id)
        else:
            parent_id = self.parent_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "owner": owner,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if parent_id is not UNSET:
            field_dict["parent_id"] = parent_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tenant_owner import TenantOwner  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        owner = TenantOwner.from_dict(d.pop("owner"))

        def _parse_kind(data: object) -> None | TenantCreateKindType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = TenantCreateKindType0(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TenantCreateKindType0 | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        def _parse_parent_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_id_type_0 = UUID(data)

                return parent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_id = _parse_parent_id(d.pop("parent_id", UNSET))

        tenant_create = cls(
            name=name,
            owner=owner,
            kind=kind,
            parent_id=parent_id,
        )

        return tenant_create
