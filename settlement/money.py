"""Exact money: Decimal amounts in cents, rounded ROUND_HALF_UP in one place."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# Wide enough that no product of a realistic amount and a percentage or pay fraction is
# ever rounded before to_cents rounds it: money must only be rounded once.
EXACT = Context(prec=60, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> Decimal:
    """Round an amount to cents, halves away from zero."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=EXACT)


def percentage_of(amount: Decimal, percent: Decimal) -> Decimal:
    """Return amount × percent / 100 in cents."""
    return to_cents(EXACT.divide(EXACT.multiply(amount, percent), HUNDRED))


def times(amount: Decimal, fraction: Decimal) -> Decimal:
    """Return amount × fraction in cents."""
    return to_cents(EXACT.multiply(amount, fraction))


def round_fraction(value: Fraction, places: int) -> Decimal:
    """Round a non-negative exact ratio to a number of decimals, halves up (display only)."""
    scale = 10**places
    scaled = value * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-places)


def fmt_amount(value: Decimal) -> str:
    """Format an amount as a string with exactly two decimals ("1234.50")."""
    cents = to_cents(value)
    # A negated zero would print as "-0.00".
    return str(cents) if cents else "0.00"


def fmt_decimal(value: Decimal) -> str:
    """Format a percentage or fraction as its plain decimal string ("35", "0.333")."""
    text = str(value)
    if "E" in text or "e" in text:
        text = format(value, "f")
    return text
