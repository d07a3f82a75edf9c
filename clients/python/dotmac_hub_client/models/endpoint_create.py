from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.endpoint_create_signature_scheme import EndpointCreateSignatureScheme
from ..types import UNSET, Unset

T = TypeVar("T", bound="EndpointCreate")


@_attrs_define
class EndpointCreate:
    """A new receiver; the answer carries its signing secret, shown this once.

    Attributes:
        event_types (list[str]): event types to receive, or ["*"] for all of them
        url (str):
        active (bool | Unset):  Default: True.
        description (str | Unset):  Default: ''.
        signature_scheme (EndpointCreateSignatureScheme | Unset): how deliveries are signed: "standard" (Standard
            Webhooks: `webhook-signature: v1,<base64>`) or "legacy" (`v1=`+hex, deprecated: for receivers built before the
            standard scheme); docs/webhooks.md Default: EndpointCreateSignatureScheme.STANDARD.
    """

    event_types: list[str]
    url: str
    active: bool | Unset = True
    description: str | Unset = ""
    signature_scheme: EndpointCreateSignatureScheme | Unset = EndpointCreateSignatureScheme.STANDARD
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_types = self.event_types

        url = self.url

        active = self.active

        description = self.description

        signature_scheme: str | Unset = UNSET
        if not isinstance(self.signature_scheme, Unset):
            signature_scheme = self.signature_scheme.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_types": event_types,
                "url": url,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if description is not UNSET:
            field_dict["description"] = description
        if signature_scheme is not UNSET:
            field_dict["signature_scheme"] = signature_scheme

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_types = cast(list[str], d.pop("event_types"))

        url = d.pop("url")

        active = d.pop("active", UNSET)

        description = d.pop("description", UNSET)

        _signature_scheme = d.pop("signature_scheme", UNSET)
        signature_scheme: EndpointCreateSignatureScheme | Unset
        if isinstance(_signature_scheme, Unset):
            signature_scheme = UNSET
        else:
            signature_scheme = EndpointCreateSignatureScheme(_signature_scheme)

        endpoint_create = cls(
            event_types=event_types,
            url=url,
            active=active,
            description=description,
            signature_scheme=signature_scheme,
        )

        endpoint_create.additional_properties = d
        return endpoint_create

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
