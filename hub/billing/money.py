"""Exact money: Decimal in code, integer minor units in storage (see docs/billing.md).

Rule: each invoice line is rounded once, HALF_UP, to the currency's minor unit; tax is
computed per invoice and jurisdiction from the *unrounded* line amounts, then rounded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor-unit exponents that are not 2 (knowledge as data).
_EXPONENTS = {"JPY": 0, "KRW": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "TND": 3}


# The largest payment in minor units: far above any real one (10 trillion EUR), far below
# the BigInteger column's 9.2e18, so even sums of many stay in range.
MAX_PAYMENT_MINOR = 10**15


def exponent(currency: str) -> int:
    """Digits after the decimal point for `currency` (2 unless listed)."""
    return _EXPONENTS.get(currency.upper(), 2)


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency` as a Decimal (0.01 for EUR)."""
    return Decimal(1).scaleb(-exponent(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """Round once HALF_UP to the minor unit and return it as an integer (12.345 EUR -> 1235)."""
    rounded = amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)
    return int(rounded.scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units back to a Decimal amount (1235 EUR -> 12.35)."""
    return Decimal(minor).scaleb(-exponent(currency))


@dataclass(frozen=True)
class Money:
    """An amount in one currency; arithmetic across currencies is refused."""

    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"money: cannot add {other.currency} to {self.currency}; "
                             "an invoice holds one currency")
        return Money(self.amount + other.amount, self.currency)

    @property
    def minor(self) -> int:
        """The amount rounded once HALF_UP to integer minor units."""
        return to_minor(self.amount, self.currency)


def prorate(price: Decimal, start: date, end: date, period_start: date,
            period_end: date) -> Decimal:
    """Unrounded share of `price` for days [start, end) of the period [period_start, period_end).

    The denominator is always the full period length in days, so the shares of a split
    period add up to the full price before rounding.
    """
    total = (period_end - period_start).days
    used = (min(end, period_end) - max(start, period_start)).days
    if total <= 0:
        raise ValueError(f"period {period_start}..{period_end}: end must be after start")
    return price * Decimal(max(used, 0)) / Decimal(total)


def tax_minor(unrounded_amounts: Iterable[Decimal], rate: Decimal, currency: str) -> int:
    """Tax of one invoice: rate x sum of unrounded line amounts, rounded once HALF_UP."""
    return to_minor(sum(unrounded_amounts, Decimal(0)) * rate, currency)
