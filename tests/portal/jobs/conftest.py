"""A submitted settlement run of the worked example, ready for a second finance user to approve."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from portal.finance.runs import start_run, submit_run
from portal.models import SettlementRun, User

from ... import factories as f
from ..finance.helpers import finance_pair, freeze_today, import_example

TODAY = date(2028, 4, 2)
AS_OF = date(2028, 3, 31)


@dataclass
class JobWorld:
    run: SettlementRun
    preparer: User
    approver: User
    other_finance: User
    bureau: User


def submitted_run(db) -> JobWorld:
    _, contract = import_example(db)
    preparer, approver = finance_pair(db)
    run = start_run(db, preparer, contract, AS_OF)
    submit_run(db, preparer, run)
    return JobWorld(run, preparer, approver, f.create_user(db, "finance"),
                    f.create_user(db, "provider", provider=contract.provider))


@pytest.fixture
def jw(db, monkeypatch) -> JobWorld:
    freeze_today(monkeypatch, TODAY)
    world = submitted_run(db)
    db.commit()
    return world
