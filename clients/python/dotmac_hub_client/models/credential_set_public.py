from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_kind import CredentialKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="CredentialSetPublic")


@_attrs_define
class CredentialSetPublic:
    """A credential set as the API shows it: never a secret, only which ones are set.

    Attributes:
        created_at (datetime.datetime):
        id (UUID):
        kind (CredentialKind): What a credential set holds.
        name (str):
        rotated_at (datetime.datetime | None):
        secrets_set (list[str]): Names of the secret fields that hold a value
        site_id (None | UUID):
        updated_at (datetime.datetime):
        auth_proto (None | str | Unset):
        priv_proto (None | str | Unset):
        user (None | str | Unset):
        username (None | str | Unset):
    """

    created_at: datetime.datetime
    id: UUID
    kind: CredentialKind
    name: str
    rotated_at: datetime.datetime | None
    secrets_set: list[str]
    site_id: None | UUID
    updated_at: datetime.datetime
    auth_proto: None | str | Unset = UNSET
    priv_proto: None | str | Unset = UNSET
    user: None | str | Unset = UNSET
    username: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        kind = self.kind.value

        name = self.name

        rotated_at: None | str
        if isinstance(self.rotated_at, datetime.datetime):
            rotated_at = self.rotated_at.isoformat()
        else:
            rotated_at = self.rotated_at

        secrets_set = self.secrets_set

        site_id: None | str
        if isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

        updated_at = self.updated_at.isoformat()

        auth_proto: None | str | Unset
        if isinstance(self.auth_proto, Unset):
            auth_proto = UNSET
        else:
            auth_proto = self.auth_proto

        priv_proto: None | str | Unset
        if isinstance(self.priv_proto, Unset):
            priv_proto = UNSET
        else:
            priv_proto = self.priv_proto

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "kind": kind,
                "name": name,
                "rotated_at": rotated_at,
                "secrets_set": secrets_set,
                "site_id": site_id,
                "updated_at": updated_at,
            }
        )
        if auth_proto is not UNSET:
            field_dict["auth_proto"] = auth_proto
        if priv_proto is not UNSET:
            field_dict["priv_proto"] = priv_proto
        if user is not UNSET:
            field_dict["user"] = user
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        kind = CredentialKind(d.pop("kind"))

        name = d.pop("name")

        def _parse_rotated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rotated_at_type_0 = datetime.datetime.fromisoformat(data)

                return rotated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        rotated_at = _parse_rotated_at(d.pop("rotated_at"))

        secrets_set = cast(list[str], d.pop("secrets_set"))

        def _parse_site_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                site_id_type_0 = UUID(data)

                return site_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        site_id = _parse_site_id(d.pop("site_id"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_auth_proto(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        auth_proto = _parse_auth_proto(d.pop("auth_proto", UNSET))

        def _parse_priv_proto(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        priv_proto = _parse_priv_proto(d.pop("priv_proto", UNSET))

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        credential_set_public = cls(
            created_at=created_at,
            id=id,
            kind=kind,
            name=name,
            rotated_at=rotated_at,
            secrets_set=secrets_set,
            site_id=site_id,
            updated_at=updated_at,
            auth_proto=auth_proto,
            priv_proto=priv_proto,
            user=user,
            username=username,
        )

        credential_set_public.additional_properties = d
        return credential_set_public

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
