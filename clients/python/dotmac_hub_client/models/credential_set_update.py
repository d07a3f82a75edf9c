from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.credential_kind import CredentialKind
from ..models.credential_set_update_auth_proto_type_0 import CredentialSetUpdateAuthProtoType0
from ..models.credential_set_update_priv_proto_type_0 import CredentialSetUpdatePrivProtoType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="CredentialSetUpdate")


@_attrs_define
class CredentialSetUpdate:
    """Changes to a set. A secret field given replaces that secret (rotation); a field sent
    as null is removed (e.g. `priv_proto` and `priv_key` to drop privacy). `kind` cannot
    change: create a new set and point the devices at it.

        Attributes:
            auth_key (None | str | Unset): snmp_v3: authentication key (secret)
            auth_proto (CredentialSetUpdateAuthProtoType0 | None | Unset): snmp_v3: authentication protocol
            community (None | str | Unset): snmp_v2c: the community (secret)
            enable_secret (None | str | Unset): ssh: enable/privileged-mode secret (secret)
            kind (CredentialKind | None | Unset): Only accepted unchanged
            name (None | str | Unset):
            password (None | str | Unset): ssh: password (secret)
            priv_key (None | str | Unset): snmp_v3: privacy key (secret)
            priv_proto (CredentialSetUpdatePrivProtoType0 | None | Unset): snmp_v3: privacy protocol (needs authentication)
            private_key (None | str | Unset): ssh: PEM private key (secret)
            site_id (None | Unset | UUID):
            user (None | str | Unset): snmp_v3: the USM user name
            username (None | str | Unset): ssh: the login
    """

    auth_key: None | str | Unset = UNSET
    auth_proto: CredentialSetUpdateAuthProtoType0 | None | Unset = UNSET
    community: None | str | Unset = UNSET
    enable_secret: None | str | Unset = UNSET
    kind: CredentialKind | None | Unset = UNSET
    name: None | str | Unset = UNSET
    password: None | str | Unset = UNSET
    priv_key: None | str | Unset = UNSET
    priv_proto: CredentialSetUpdatePrivProtoType0 | None | Unset = UNSET
    private_key: None | str | Unset = UNSET
    site_id: None | Unset | UUID = UNSET
    user: None | str | Unset = UNSET
    username: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        auth_key: None | str | Unset
        if isinstance(self.auth_key, Unset):
            auth_key = UNSET
        else:
            auth_key = self.auth_key

        auth_proto: None | str | Unset
        if isinstance(self.auth_proto, Unset):
            auth_proto = UNSET
        elif isinstance(self.auth_proto, CredentialSetUpdateAuthProtoType0):
            auth_proto = self.auth_proto.value
        else:
            auth_proto = self.auth_proto

        community: None | str | Unset
        if isinstance(self.community, Unset):
            community = UNSET
        else:
            community = self.community

        enable_secret: None | str | Unset
        if isinstance(self.enable_secret, Unset):
            enable_secret = UNSET
        else:
            enable_secret = self.enable_secret

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, CredentialKind):
            kind = self.kind.value
        else:
            kind = self.kind

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        priv_key: None | str | Unset
        if isinstance(self.priv_key, Unset):
            priv_key = UNSET
        else:
            priv_key = self.priv_key

        priv_proto: None | str | Unset
        if isinstance(self.priv_proto, Unset):
            priv_proto = UNSET
        elif isinstance(self.priv_proto, CredentialSetUpdatePrivProtoType0):
            priv_proto = self.priv_proto.value
        else:
            priv_proto = self.priv_proto

        private_key: None | str | Unset
        if isinstance(self.private_key, Unset):
            private_key = UNSET
        else:
            private_key = self.private_key

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        elif isinstance(self.site_id, UUID):
            site_id = str(self.site_id)
        else:
            site_id = self.site_id

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

        field_dict.update({})
        if auth_key is not UNSET:
            field_dict["auth_key"] = auth_key
        if auth_proto is not UNSET:
            field_dict["auth_proto"] = auth_proto
        if community is not UNSET:
            field_dict["community"] = community
        if enable_secret is not UNSET:
            field_dict["enable_secret"] = enable_secret
        if kind is not UNSET:
            field_dict["kind"] = kind
        if name is not UNSET:
            field_dict["name"] = name
        if password is not UNSET:
            field_dict["password"] = password
        if priv_key is not UNSET:
            field_dict["priv_key"] = priv_key
        if priv_proto is not UNSET:
            field_dict["priv_proto"] = priv_proto
        if private_key is not UNSET:
            field_dict["private_key"] = private_key
        if site_id is not UNSET:
            field_dict["site_id"] = site_id
        if user is not UNSET:
            field_dict["user"] = user
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_auth_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        auth_key = _parse_auth_key(d.pop("auth_key", UNSET))

        def _parse_auth_proto(data: object) -> CredentialSetUpdateAuthProtoType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                auth_proto_type_0 = CredentialSetUpdateAuthProtoType0(data)

                return auth_proto_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CredentialSetUpdateAuthProtoType0 | None | Unset, data)

        auth_proto = _parse_auth_proto(d.pop("auth_proto", UNSET))

        def _parse_community(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        community = _parse_community(d.pop("community", UNSET))

        def _parse_enable_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        enable_secret = _parse_enable_secret(d.pop("enable_secret", UNSET))

        def _parse_kind(data: object) -> CredentialKind | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = CredentialKind(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CredentialKind | None | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        def _parse_priv_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        priv_key = _parse_priv_key(d.pop("priv_key", UNSET))

        def _parse_priv_proto(data: object) -> CredentialSetUpdatePrivProtoType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                priv_proto_type_0 = CredentialSetUpdatePrivProtoType0(data)

                return priv_proto_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CredentialSetUpdatePrivProtoType0 | None | Unset, data)

        priv_proto = _parse_priv_proto(d.pop("priv_proto", UNSET))

        def _parse_private_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        private_key = _parse_private_key(d.pop("private_key", UNSET))

        def _parse_site_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                site_id_type_0 = UUID(data)

                return site_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        site_id = _parse_site_id(d.pop("site_id", UNSET))

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

        credential_set_update = cls(
            auth_key=auth_key,
            auth_proto=auth_proto,
            community=community,
            enable_secret=enable_secret,
            kind=kind,
            name=name,
            password=password,
            priv_key=priv_key,
            priv_proto=priv_proto,
            private_key=private_key,
            site_id=site_id,
            user=user,
            username=username,
        )

        return credential_set_update
