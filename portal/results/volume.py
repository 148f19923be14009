"""Volume and money per municipality: referrals against the caps, money against the admin's yearly budget.

Admission (who is over volume) and the payable and pending amounts are the engine's; what
was invoiced comes from the issued invoices. Money is excl. btw.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import models as m
from .service import ContractResults

ZERO = Decimal("0.00")
NEAR = Decimal("0.9")  # warn from 90 % of a cap or budget
OVER_VOLUME = "OVER_VOLUME"


@dataclass
class CapRow:
    """One contract and municipality: referrals against the cap (None: no cap for this municipality)."""

    contract: m.Contract
    municipality: m.Municipality | None  # None: the contract's total volume
    referred: int
    admitted: int
    over_volume: int
    cap: int | None

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(0, self.cap - self.referred)

    @property
    def warning(self) -> str | None:
        if self.cap is None:
            return None
        if self.referred >= self.cap:
            return "Volume bereikt: nieuwe trajecten worden niet betaald."
        if self.referred >= self.cap * NEAR:
            return "Bijna op het volume."
        return None


@dataclass
class MoneyRow:
    municipality: m.Municipality
    budget: Decimal | None
    invoiced: Decimal  # invoices and credit notes issued in the year
    to_invoice: Decimal  # payable per the settlement, not yet invoiced
    pending: Decimal  # may still become payable

    @property
    def committed(self) -> Decimal:
        return self.invoiced + self.to_invoice + self.pending

    @property
    def used(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.committed * 100 / self.budget).quantize(Decimal("0.01"))

    @property
    def warning(self) -> str | None:
        if self.budget is None:
            return None
        if self.committed > self.budget:
            return "Boven het budget."
        if self.committed >= self.budget * NEAR:
            return "Bijna aan het budget."
        return None


def cap_rows(session: Session, everything: list[ContractResults], municipality_id: int | None = None) -> list[CapRow]:
    """Per contract its total volume and per municipality with a cap (or the one asked for) the referrals."""
    municipalities = {mu.id: mu for mu in session.scalars(select(m.Municipality))}
    rows = []
    for results in everything:
        contract = results.contract
        caps = {c.municipality_id: c.cap for c in contract.municipality_caps}
        referred: dict[int, int] = defaultdict(int)
        for row in results.rows:
            if row.status != "declined":
                referred[row.municipality_id] += 1
        admitted: dict[int, int] = defaultdict(int)
        over: dict[int, int] = defaultdict(int)
        refused = results.refused
        for row in results.rows:  # the engine's trajectories are the rows that have started
            if row.start is None or row.start > results.as_of:
                continue
            if refused.get(row.ref) == OVER_VOLUME:
                over[row.municipality_id] += 1
            elif row.ref not in refused:
                admitted[row.municipality_id] += 1
        if municipality_id is None:
            rows.append(CapRow(contract, None, sum(referred.values()), sum(admitted.values()), sum(over.values()),
                               contract.max_trajectories))
            shown = sorted(caps, key=lambda i: municipalities[i].name)
        else:
            shown = [municipality_id]
        for mid in shown:
            rows.append(CapRow(contract, municipalities[mid], referred[mid], admitted[mid], over[mid], caps.get(mid)))
    return rows


def money_rows(session: Session, everything: list[ContractResults], year: int,
               municipality_id: int | None = None) -> list[MoneyRow]:
    """Per municipality: invoiced in the year, payable not yet invoiced, pending, against the year's budget."""
    # Only the municipalities of the consortia whose contracts are shown (the user's own).
    consortia = {r.contract.consortium_id for r in everything}
    query = select(m.Municipality).where(m.Municipality.consortium_id.in_(consortia)).order_by(m.Municipality.name)
    if municipality_id is not None:
        query = query.where(m.Municipality.id == municipality_id)
    municipalities = list(session.scalars(query))
    budgets = dict(session.execute(select(m.MunicipalityBudget.municipality_id, m.MunicipalityBudget.amount)
                                   .where(m.MunicipalityBudget.year == year)).all())
    contract_ids = [r.contract.id for r in everything]
    invoiced_in_year = dict(session.execute(
        select(m.Invoice.municipality_id, func.sum(m.Invoice.subtotal))
        .where(m.Invoice.contract_id.in_(contract_ids), m.Invoice.issue_date >= date(year, 1, 1),
               m.Invoice.issue_date <= date(year, 12, 31))
        .group_by(m.Invoice.municipality_id)).all())
    invoiced_ever = {(c, mu): total for c, mu, total in session.execute(
        select(m.Invoice.contract_id, m.Invoice.municipality_id, func.sum(m.Invoice.subtotal))
        .where(m.Invoice.contract_id.in_(contract_ids))
        .group_by(m.Invoice.contract_id, m.Invoice.municipality_id)).all()}
    rows = []
    for municipality in municipalities:
        to_invoice = pending = ZERO
        for results in everything:
            sums = results.by_municipality.get(municipality.cbs_code)
            if sums is None:
                continue
            payable, pending_here = sums
            done = Decimal(invoiced_ever.get((results.contract.id, municipality.id)) or 0)
            to_invoice += max(ZERO, payable - done)
            pending += pending_here
        rows.append(MoneyRow(municipality, budgets.get(municipality.id),
                             Decimal(invoiced_in_year.get(municipality.id) or 0).quantize(Decimal("0.01")),
                             to_invoice, pending))
    return rows


def set_budget(session: Session, actor: m.User, municipality: m.Municipality, year: int,
               amount: Decimal) -> m.MunicipalityBudget:
    """Set a municipality's budget for a year (flushes, audited)."""
    from ..audit import record
    budget = session.scalar(select(m.MunicipalityBudget).where(
        m.MunicipalityBudget.municipality_id == municipality.id, m.MunicipalityBudget.year == year))
    before = None if budget is None else {"amount": budget.amount}
    if budget is None:
        budget = m.MunicipalityBudget(municipality_id=municipality.id, year=year, amount=amount)
        session.add(budget)
    else:
        budget.amount = amount
    session.flush()
    record(session, actor, "budget.set", "municipality_budget", budget.id, before=before,
           after={"municipality": municipality.cbs_code, "year": year, "amount": amount})
    return budget
