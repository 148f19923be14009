"""A contract with an issued first run: an intake paid, one withheld as late, one dated before the start, a duplicate.

Bureau A holds the contract; bureau B has its own. A finance pair issues the runs, two
contract managers decide.
"""
from __future__ import annotations


from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.models import Contract, Invoice, MilestoneClaim, Municipality, Provider, SettlementLine, SettlementRun, User

from ... import factories as f
from ..finance.helpers import complete_addresses, freeze_today
from tests.factories import log_in

TODAY = date(2026, 7, 1)
AS_OF = date(2026, 6, 30)
MOTIVATION = "Wij hebben de intake op 20-03-2026 per e-mail ingediend; de bevestiging zit in de bijlage."


@dataclass
class ObjectionWorld:
    municipality: Municipality
    provider: Provider
    other_provider: Provider
    contract: Contract
    other_contract: Contract
    paid: MilestoneClaim        # intake on time: payable
    late: MilestoneClaim        # intake submitted 87 days after it happened: LATE_SUBMISSION
    early: MilestoneClaim       # intake dated before its trajectory started: OUTSIDE_WINDOW
    duplicate: MilestoneClaim   # a second intake of the paid trajectory: DUPLICATE_CLAIM
    bureau: User
    other_bureau: User
    reviewer: User
    other_reviewer: User
    preparer: User
    approver: User
    run: SettlementRun          # the first run, issued
    invoices: list[Invoice]

    def line(self, claim: MilestoneClaim, run: SettlementRun | None = None) -> SettlementLine:
        run = run or self.run
        return next(line for line in run.lines if line.claim_id == claim.id)


def issue(db, contract: Contract, preparer: User, approver: User, as_of: date = AS_OF):
    """Draft, submit and approve a run (four eyes); return it with its documents."""
    run = start_run(db, preparer, contract, as_of)
    submit_run(db, preparer, run)
    return run, approve_run(db, approver, run.id)


@pytest.fixture
def today(monkeypatch) -> date:
    freeze_today(monkeypatch, TODAY)
    return TODAY


@pytest.fixture
def ow(db, today) -> ObjectionWorld:
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    provider, other_provider = f.create_provider(db, "Werkkracht Noord BV"), f.create_provider(db, "Stap Verder BV")
    contract = f.create_contract(db, consortium, provider)
    other_contract = f.create_contract(db, consortium, other_provider)
    first = f.create_trajectory(db, contract, municipality, start=date(2026, 2, 1))
    second = f.create_trajectory(db, contract, municipality, start=date(2026, 2, 1))
    third = f.create_trajectory(db, contract, municipality, start=date(2026, 3, 1))
    approved = {"review": "approved", "reviewed": date(2026, 5, 5)}
    paid = f.create_claim(db, first, "intake", happened=date(2026, 2, 3), submitted=date(2026, 2, 10), **approved)
    duplicate = f.create_claim(db, first, "intake", happened=date(2026, 2, 4), submitted=date(2026, 2, 11),
                               **approved)
    late = f.create_claim(db, second, "intake", happened=date(2026, 2, 3), submitted=date(2026, 5, 1), **approved)
    early = f.create_claim(db, third, "intake", happened=date(2026, 2, 20), submitted=date(2026, 3, 5), **approved)
    complete_addresses(db)
    users = dict(bureau=f.create_user(db, "provider", provider=provider),
                 other_bureau=f.create_user(db, "provider", provider=other_provider),
                 reviewer=f.create_user(db, "reviewer"), other_reviewer=f.create_user(db, "reviewer"),
                 preparer=f.create_user(db, "finance"), approver=f.create_user(db, "finance"))
    run, invoices = issue(db, contract, users["preparer"], users["approver"])
    world = ObjectionWorld(municipality, provider, other_provider, contract, other_contract, paid, late, early,
                           duplicate, run=run, invoices=invoices, **users)
    assert {(world.line(c).status, world.line(c).reason) for c in (late, early, duplicate)} == {
        ("withheld", "LATE_SUBMISSION"), ("withheld", "OUTSIDE_WINDOW"), ("withheld", "DUPLICATE_CLAIM")}
    return world


def claim_by_ref(db, ref: str) -> MilestoneClaim:
    return db.scalar(select(MilestoneClaim).where(MilestoneClaim.ref == ref))


def login(client, user) -> None:
    log_in(client, user)

