"""What is still open per municipality, by how long it is overdue (ouderdomsanalyse), and the overdue marker.

An invoice is overdue the day after its due date while something is open on it; a credit note not yet
repaid counts with its negative amount, so a municipality's row shows what it still owes on balance.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..access import scope_invoices
from .payments import ZERO, paid_column

#: (label, first day overdue, last day overdue or None); "0" is not yet due.
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("Nog niet vervallen", -10**6, 0),
    ("1–30 dagen", 1, 30),
    ("31–60 dagen", 31, 60),
    ("61–90 dagen", 61, 90),
    ("Meer dan 90 dagen", 91, None),
)


def days_overdue(due: date, today: date) -> int:
    return (today - due).days


def bucket_of(days: int) -> int:
    for index, (_, first, last) in enumerate(BUCKETS):
        if days >= first and (last is None or days <= last):
            return index
    raise AssertionError(days)


@dataclass
class AgeingRow:
    municipality_id: int
    name: str
    amounts: list[Decimal] = field(default_factory=lambda: [ZERO] * len(BUCKETS))
    documents: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass(frozen=True)
class Ageing:
    today: date
    rows: list[AgeingRow]
    totals: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)


def ageing(session: Session, user: m.User, today: date) -> Ageing:
    """Open amounts in the user's scope per municipality and bucket, as of today."""
    paid = paid_column()
    query = scope_invoices(user, select(m.Invoice.municipality_id, m.Municipality.name, m.Invoice.due_date,
                                        (m.Invoice.total - paid).label("open"))
                           .join(m.Municipality, m.Municipality.id == m.Invoice.municipality_id)
                           .where(m.Invoice.total != paid))
    rows: dict[int, AgeingRow] = {}
    for municipality_id, name, due, open_amount in session.execute(query):
        row = rows.setdefault(municipality_id, AgeingRow(municipality_id, name))
        row.amounts[bucket_of(days_overdue(due, today))] += Decimal(open_amount)
        row.documents += 1
    ordered = sorted(rows.values(), key=lambda row: row.name)
    totals = [sum((row.amounts[i] for row in ordered), ZERO) for i in range(len(BUCKETS))]
    return Ageing(today, ordered, totals)
