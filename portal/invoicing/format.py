"""Dutch formatting for invoice documents: € 1.234,56, 31-12-2026 and 21 %.

Negative amounts put the minus after the euro sign, "€ -1.234,56", the same as the
portal's screens (portal/formatting.py), so a credit note reads the same on screen
and on paper. This module imports nothing of Flask: documents render outside a
request.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
# "1,234.56" (Python's grouping) -> "1.234,56" (Dutch).
_TO_DUTCH = str.maketrans(",.", ".,")


def euro(amount: Decimal) -> str:
    """Format an amount as "€ 1.234,56"; negative as "€ -1.234,56"."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"euro() needs a Decimal, not {type(amount).__name__}")
    cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"€ {sign}{format(abs(cents), ',.2f').translate(_TO_DUTCH)}"


def amount_nl(amount: Decimal) -> str:
    """Format an amount without the euro sign: "1.234,56" / "-1.234,56"."""
    return euro(amount)[2:]


def nl_date(value: date) -> str:
    """Format a calendar date as "31-12-2026"."""
    if isinstance(value, datetime):
        raise TypeError("nl_date() formats business dates, not timestamps")
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def nl_percent(rate: Decimal) -> str:
    """Format a percentage as "21 %" or "9,5 %" (no trailing zeros)."""
    text = format(rate.normalize(), "f") if rate else "0"
    return f"{text.replace('.', ',')} %"
