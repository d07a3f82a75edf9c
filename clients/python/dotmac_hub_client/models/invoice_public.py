from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.line_public import LinePublic


T = TypeVar("T", bound="InvoicePublic")


@_attrs_define
class InvoicePublic:
    """An invoice or credit note.

    Attributes:
        credited_minor (int):
        currency (str):
        customer_id (UUID):
        due_on (datetime.date | None):
        id (UUID):
        issued_on (datetime.date | None):
        kind (str):
        number (int | None):
        paid_minor (int):
        period_end (datetime.date | None):
        period_start (datetime.date | None):
        status (str):
        subscription_id (None | UUID):
        subtotal_minor (int):
        tax_minor (int):
        total_minor (int):
        lines (list[LinePublic] | Unset):
        tax_jurisdiction (None | str | Unset):
        tax_rate (None | str | Unset): the rate the invoice was made with; a later change of the tax rate never alters
            it
    """

    credited_minor: int
    currency: str
    customer_id: UUID
    due_on: datetime.date | None
    id: UUID
    issued_on: datetime.date | None
    kind: str
    number: int | None
    paid_minor: int
    period_end: datetime.date | None
    period_start: datetime.date | None
    status: str
    subscription_id: None | UUID
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    lines: list[LinePublic] | Unset = UNSET
    tax_jurisdiction: None | str | Unset = UNSET
    tax_rate: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credited_minor = self.credited_minor

        currency = self.currency

        customer_id = str(self.customer_id)

        due_on: None | str
        if isinstance(self.due_on, datetime.date):
            due_on = self.due_on.isoformat()
        else:
            due_on = self.due_on

        id = str(self.id)

        issued_on: None | str
        if isinstance(self.issued_on, datetime.date):
            issued_on = self.issued_on.isoformat()
        else:
            issued_on = self.issued_on

        kind = self.kind

        number: int | None
        number = self.number

        paid_minor = self.paid_minor

        period_end: None | str
        if isinstance(self.period_end, datetime.date):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        period_start: None | str
        if isinstance(self.period_start, datetime.date):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        status = self.status

        subscription_id: None | str
        if isinstance(self.subscription_id, UUID):
            subscription_id = str(self.subscription_id)
        else:
            subscription_id = self.subscription_id

        subtotal_minor = self.subtotal_minor

        tax_minor = self.tax_minor

        total_minor = self.total_minor

        lines: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.lines, Unset):
            lines = []
            for lines_item_data in self.lines:
                lines_item = lines_item_data.to_dict()
                lines.append(lines_item)

        tax_jurisdiction: None | str | Unset
        if isinstance(self.tax_jurisdiction, Unset):
            tax_jurisdiction = UNSET
        else:
            tax_jurisdiction = self.tax_jurisdiction

        tax_rate: None | str | Unset
        if isinstance(self.tax_rate, Unset):
            tax_rate = UNSET
        else:
            tax_rate = self.tax_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "credited_minor": credited_minor,
                "currency": currency,
                "customer_id": customer_id,
                "due_on": due_on,
                "id": id,
                "issued_on": issued_on,
                "kind": kind,
                "number": number,
                "paid_minor": paid_minor,
                "period_end": period_end,
                "period_start": period_start,
                "status": status,
                "subscription_id": subscription_id,
                "subtotal_minor": subtotal_minor,
                "tax_minor": tax_minor,
                "total_minor": total_minor,
            }
        )
        if lines is not UNSET:
            field_dict["lines"] = lines
        if tax_jurisdiction is not UNSET:
            field_dict["tax_jurisdiction"] = tax_jurisdiction
        if tax_rate is not UNSET:
            field_dict["tax_rate"] = tax_rate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_public import LinePublic  # noqa: PLC0415

        d = dict(src_dict)
        credited_minor = d.pop("credited_minor")

        currency = d.pop("currency")

        customer_id = UUID(d.pop("customer_id"))

        def _parse_due_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_on_type_0 = datetime.date.fromisoformat(data)

                return due_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        due_on = _parse_due_on(d.pop("due_on"))

        id = UUID(d.pop("id"))

        def _parse_issued_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_on_type_0 = datetime.date.fromisoformat(data)

                return issued_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        issued_on = _parse_issued_on(d.pop("issued_on"))

        kind = d.pop("kind")

        def _parse_number(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        number = _parse_number(d.pop("number"))

        paid_minor = d.pop("paid_minor")

        def _parse_period_end(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.date.fromisoformat(data)

                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        period_end = _parse_period_end(d.pop("period_end"))

        def _parse_period_start(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.date.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        period_start = _parse_period_start(d.pop("period_start"))

        status = d.pop("status")

        def _parse_subscription_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                subscription_id_type_0 = UUID(data)

                return subscription_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        subscription_id = _parse_subscription_id(d.pop("subscription_id"))

        subtotal_minor = d.pop("subtotal_minor")

        tax_minor = d.pop("tax_minor")

        total_minor = d.pop("total_minor")

        _lines = d.pop("lines", UNSET)
        lines: list[LinePublic] | Unset = UNSET
        if _lines is not UNSET:
            lines = []
            for lines_item_data in _lines:
                lines_item = LinePublic.from_dict(lines_item_data)

                lines.append(lines_item)

        def _parse_tax_jurisdiction(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_jurisdiction = _parse_tax_jurisdiction(d.pop("tax_jurisdiction", UNSET))

        def _parse_tax_rate(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_rate = _parse_tax_rate(d.pop("tax_rate", UNSET))

        invoice_public = cls(
            credited_minor=credited_minor,
            currency=currency,
            customer_id=customer_id,
            due_on=due_on,
            id=id,
            issued_on=issued_on,
            kind=kind,
            number=number,
            paid_minor=paid_minor,
            period_end=period_end,
            period_start=period_start,
            status=status,
            subscription_id=subscription_id,
            subtotal_minor=subtotal_minor,
            tax_minor=tax_minor,
            total_minor=total_minor,
            lines=lines,
            tax_jurisdiction=tax_jurisdiction,
            tax_rate=tax_rate,
        )

        invoice_public.additional_properties = d
        return invoice_public

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
