from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.aging_bucket_bucket import AgingBucketBucket

T = TypeVar("T", bound="AgingBucket")


@_attrs_define
class AgingBucket:
    """Open invoices whose days past due fall in one bucket.

    Attributes:
        amount_minor (int):
        bucket (AgingBucketBucket):
        invoices (int):
    """

    amount_minor: int
    bucket: AgingBucketBucket
    invoices: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_minor = self.amount_minor

        bucket = self.bucket.value

        invoices = self.invoices

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount_minor": amount_minor,
                "bucket": bucket,
                "invoices": invoices,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_minor = d.pop("amount_minor")

        bucket = AgingBucketBucket(d.pop("bucket"))

        invoices = d.pop("invoices")

        aging_bucket = cls(
            amount_minor=amount_minor,
            bucket=bucket,
            invoices=invoices,
        )

        aging_bucket.additional_properties = d
        return aging_bucket

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
