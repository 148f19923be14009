"""A paid population to sample: one contract, a run issued over a dozen approved intake claims."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.auditing.sampling import SampleRequest
from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.models import Contract, MilestoneClaim, User

from ... import factories as f
from ..finance.helpers import complete_addresses


@dataclass
class Paid:
    contract: Contract
    claims: list[MilestoneClaim]
    auditor: User
    reviewer: User


def paid_population(db, claims: int = 12) -> Paid:
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    contract = f.create_contract(db, consortium, f.create_provider(db))
    made = []
    for n in range(claims):
        trajectory = f.create_trajectory(db, contract, municipality)
        made.append(f.create_claim(db, trajectory, "intake", review="approved", reviewed=date(2026, 2, 15)))
    complete_addresses(db)
    preparer, approver = f.create_user(db, "finance"), f.create_user(db, "finance")
    run = start_run(db, preparer, contract, date(2026, 6, 30))
    submit_run(db, preparer, run)
    approve_run(db, approver, run.id)
    return Paid(contract, made, f.create_user(db, "auditor"), f.create_user(db, "reviewer"))


def request_for(paid: Paid, **overrides) -> SampleRequest:
    values = dict(contract_id=paid.contract.id, segment=None, period_start=date(2026, 1, 1),
                  period_end=date(2026, 12, 31), population="paid_lines", method="mus", confidence=Decimal("95"),
                  tolerable=Decimal("2400"), expected=Decimal("0"), seed="5eed")
    values.update(overrides)
    return SampleRequest(**values)
