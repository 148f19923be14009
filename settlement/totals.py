"""Totals and invoices of a contract's lines (section 8)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from .funding import FundingSplitter
from .model import Contract
from .money import ZERO, percentage_of
from .results import Invoice, Line, Sums, Totals

#: A kind of line and how many there are of it:
#: (status, reason, payable, withheld, pending, funding, municipality -> number of lines).
Outcome = tuple[str, "str | None", Decimal, Decimal, Decimal, Mapping[str, Decimal], dict[str, int]]


def totals_from(contract: Contract, outcomes: Iterable[Outcome],
                split: Callable[[Decimal], Mapping[str, Decimal]]) -> Totals:
    """Add up lines counted per outcome and municipality; `split` is the contract's funding split.

    Lines of one contract have few distinct outcomes (a tranche, a cohort, a reason), so
    multiplying each by its number of lines gives the exact sums of the lines without
    going over every line's amounts again.
    """
    sums: dict[str, list[Decimal]] = {}
    payable_counts: dict[Decimal, int] = {}
    for _, _, payable, withheld, pending, _, per_municipality in outcomes:
        for municipality, count in per_municipality.items():
            mine = sums.get(municipality)
            if mine is None:
                mine = sums[municipality] = [ZERO, ZERO, ZERO]
            # Most kinds of line have only one of the three amounts: skip the zeros.
            if payable:
                mine[0] += payable * count
                payable_counts[payable] = payable_counts.get(payable, 0) + count
            if withheld:
                mine[1] += withheld * count
            if pending:
                mine[2] += pending * count
    by_municipality = {code: Sums(payable=s[0], withheld=s[1], pending=s[2]) for code, s in sorted(sums.items())}
    by_funding = {share.source: ZERO for share in contract.funding}
    for amount, count in payable_counts.items():
        for source, part in split(amount).items():
            by_funding[source] += part * count
    return Totals(
        payable=sum((s.payable for s in by_municipality.values()), ZERO),
        withheld=sum((s.withheld for s in by_municipality.values()), ZERO),
        pending=sum((s.pending for s in by_municipality.values()), ZERO),
        by_municipality=by_municipality,
        by_funding=by_funding,
    )


def totals_of(contract: Contract, lines: Iterable[Line]) -> Totals:
    """Add up any lines of a contract (e.g. a selection the portal shows)."""
    outcomes: dict[tuple[Decimal, Decimal, Decimal], Outcome] = {}
    for line in lines:
        key = (line.payable, line.withheld, line.pending)
        found = outcomes.get(key)
        if found is None:
            found = outcomes[key] = (line.status, line.reason, *key, line.funding, {})
        found[6][line.municipality] = found[6].get(line.municipality, 0) + 1
    return totals_from(contract, outcomes.values(), FundingSplitter(contract.funding).split)


def invoices_of(contract: Contract, totals: Totals) -> tuple[Invoice, ...]:
    """Make one invoice per municipality whose payable sum is above zero, by code."""
    return tuple(
        make_invoice(contract, code, sums.payable)
        for code, sums in totals.by_municipality.items()
        if sums.payable > 0
    )


def make_invoice(contract: Contract, municipality: str, subtotal: Decimal) -> Invoice:
    """Make the invoice to one municipality; VAT is rounded once per invoice, not per line."""
    vat = percentage_of(subtotal, contract.vat_rate)
    return Invoice(
        municipality=municipality,
        subtotal=subtotal,
        vat_rate=contract.vat_rate,
        vat=vat,
        total=subtotal + vat,
    )
