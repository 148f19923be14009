"""Money is exact on both engines: stored and summed to the cent, never through floats."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.models import Payment, Placement
from .. import factories as f


def test_amounts_round_trip_and_sum_exactly(db):
    consortium = f.create_consortium(db)
    municipality = f.create_municipality(db, consortium)
    contract = f.create_contract(db, consortium, f.create_provider(db))
    trajectory = f.create_trajectory(db, contract, municipality)
    wages = ["0.10", "0.20", "1234567.89", "0.01"]
    for wage in wages:
        db.add(Placement(trajectory_id=trajectory.id, employer_name="X", start_date=date(2026, 3, 1),
                         contract_type="vast", hours_per_week=Decimal("32.50"), gross_wage=Decimal(wage),
                         benefit_ends="fully"))
    db.flush()
    total = db.scalar(select(func.sum(Placement.gross_wage)).where(Placement.trajectory_id == trajectory.id))
    assert total == sum(map(Decimal, wages)) == Decimal("1234568.20")
    assert {p.gross_wage for p in trajectory.placements} == {Decimal(w) for w in wages}


def test_more_than_two_decimals_is_refused(db):
    with pytest.raises(Exception, match="more than 2 decimals"):
        db.add(Payment(invoice_id=1, paid_on=date(2026, 1, 1), amount=Decimal("1.005"), reference="x",
                       recorded_by_id=1, recorded_at=None))
        db.flush()
    db.rollback()
