from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.endpoint_with_secret_signature_scheme import EndpointWithSecretSignatureScheme

T = TypeVar("T", bound="EndpointWithSecret")


@_attrs_define
class EndpointWithSecret:
    """A receiver with its signing secret: store it now, it is not shown again.

    Attributes:
        active (bool):
        created_at (datetime.datetime):
        description (str):
        event_types (list[str]):
        id (UUID):
        secret (str):
        signature_scheme (EndpointWithSecretSignatureScheme): how deliveries are signed: "standard" (Standard Webhooks:
            `webhook-signature: v1,<base64>`) or "legacy" (`v1=`+hex, deprecated: for receivers built before the standard
            scheme); docs/webhooks.md
        url (str):
    """

    active: bool
    created_at: datetime.datetime
    description: str
    event_types: list[str]
    id: UUID
    secret: str
    signature_scheme: EndpointWithSecretSignatureScheme
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        created_at = self.created_at.isoformat()

        description = self.description

        event_types = self.event_types

        id = str(self.id)

        secret = self.secret

        signature_scheme = self.signature_scheme.value

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "created_at": created_at,
                "description": description,
                "event_types": event_types,
                "id": id,
                "secret": secret,
                "signature_scheme": signature_scheme,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        event_types = cast(list[str], d.pop("event_types"))

        id = UUID(d.pop("id"))

        secret = d.pop("secret")

        signature_scheme = EndpointWithSecretSignatureScheme(d.pop("signature_scheme"))

        url = d.pop("url")

        endpoint_with_secret = cls(
            active=active,
            created_at=created_at,
            description=description,
            event_types=event_types,
            id=id,
            secret=secret,
            signature_scheme=signature_scheme,
            url=url,
        )

        endpoint_with_secret.additional_properties = d
        return endpoint_with_secret

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
