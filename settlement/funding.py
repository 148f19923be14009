"""Split a payable amount over a contract's funding sources (section 7)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from math import lcm
from types import MappingProxyType

from .model import FundingShare
from .money import CENT, to_cents

_NO_FUNDING: Mapping[str, Decimal] = MappingProxyType({})


def split_amount(amount: Decimal, funding: Sequence[FundingShare]) -> dict[str, Decimal]:
    """Split an amount in cents over funding sources by largest remainder."""
    if not funding:
        return {}
    if amount < 0:
        # A credit is split as its absolute value and then negated, so that crediting
        # an amount exactly reverses the split it was invoiced with.
        return {source: -part if part else part for source, part in split_amount(-amount, funding).items()}
    cents = int(to_cents(amount).scaleb(2))
    # Exact shares in integers: share = num / den percent, so a source's exact cents are
    # cents × num / (den × 100); over a common denominator the remainders compare as ints.
    ratios = [share.share.as_integer_ratio() for share in funding]
    common = lcm(*(den * 100 for _, den in ratios))
    scaled = [cents * num * (common // (den * 100)) for num, den in ratios]
    parts = [value // common for value in scaled]  # floor: every value is non-negative
    remainders = [value - part * common for value, part in zip(scaled, parts)]
    left = cents - sum(parts)
    # Largest remainder first; ties keep the contract's order (sorted() is stable).
    ranked = sorted(range(len(funding)), key=remainders.__getitem__, reverse=True)
    for i in ranked[:left]:
        parts[i] += 1
    return {share.source: Decimal(part) * CENT for share, part in zip(funding, parts)}


class FundingSplitter:
    """Split amounts for one contract, remembering amounts already split."""

    __slots__ = ("_funding", "_cache")

    def __init__(self, funding: Sequence[FundingShare]) -> None:
        self._funding = tuple(funding)
        self._cache: dict[Decimal, Mapping[str, Decimal]] = {}

    def split(self, amount: Decimal) -> Mapping[str, Decimal]:
        """Return the read-only split of an amount (shared between equal amounts)."""
        if not self._funding:
            return _NO_FUNDING
        found = self._cache.get(amount)
        if found is None:
            # Most lines of a contract carry one of a few amounts: split each once.
            found = MappingProxyType(split_amount(amount, self._funding))
            self._cache[amount] = found
        return found
