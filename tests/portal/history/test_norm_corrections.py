"""Upheld objections against NORM_NOT_MET: a neutral exit out of the denominator, or a wrongful rejection reversed."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.history.replay import replay
from portal.models import MilestoneClaim, Trajectory
from portal.objections.service import choices_for, decide_objection, file_objection
from portal.review.service import revoke_approval

from ... import factories as f
from ..finance.helpers import finance_pair, freeze_today, import_example
from ..objections.conftest import MOTIVATION, issue, login


@pytest.fixture
def not_met(db, monkeypatch):
    """Example 01 with T002's placement revoked and T003 ended as a drop-out: M0002 is withheld NORM_NOT_MET."""
    freeze_today(monkeypatch, date(2028, 4, 2))
    _, contract = import_example(db, "01-basic")
    t003 = db.scalar(select(Trajectory).where(Trajectory.ref == "T003"))
    t003.status, t003.end, t003.end_reason = "ended", date(2027, 1, 10), "dropout"
    preparer, approver = finance_pair(db)
    reviewer, other = f.create_user(db, "reviewer"), f.create_user(db, "reviewer")
    m0005 = db.scalar(select(MilestoneClaim).where(MilestoneClaim.ref == "M0005"))
    revoke_approval(db, reviewer, m0005, reason_text="Auditbevinding.", decided_on=date(2028, 3, 1))
    run, _ = issue(db, contract, preparer, approver, date(2028, 3, 31))
    line = next(line for line in run.lines if line.milestone_ref == "M0002" and line.tranche_code == "plaatsing")
    assert (line.status, line.reason) == ("withheld", "NORM_NOT_MET")
    bureau = f.create_user(db, "provider", provider=contract.provider)
    objection = file_objection(db, bureau, line, MOTIVATION)
    return contract, objection, other, (preparer, approver), t003, m0005


def test_the_choices_are_neutral_exits_and_rejected_results_of_the_cohort(db, not_met):
    contract, objection, _, _, t003, m0005 = not_met
    claim = db.get(MilestoneClaim, objection.claim_id)
    values = {c.value for c in choices_for(db, objection, claim)}
    assert values == {f"end_reason:{t003.id}:moved", f"end_reason:{t003.id}:deceased", f"reinstate:{m0005.id}"}


@pytest.mark.parametrize("kind", ["end_reason", "reinstate"])
def test_either_correction_makes_the_cohort_meet_its_norm_in_the_next_run(db, not_met, kind):
    contract, objection, reviewer, (preparer, approver), t003, m0005 = not_met
    choice = f"end_reason:{t003.id}:moved" if kind == "end_reason" else f"reinstate:{m0005.id}"
    decide_objection(db, reviewer, objection, uphold=True, reason="Terecht bezwaar.", choice=choice)
    if kind == "end_reason":
        assert t003.end_reason == "moved"
    else:
        assert [r.decision for r in m0005.reviews] == ["approved", "revoked", "approved"]
    run, _ = issue(db, contract, preparer, approver, date(2028, 4, 2))
    line = next(line for line in run.lines if line.milestone_ref == "M0002" and line.tranche_code == "plaatsing")
    assert (line.status, line.delta_reason) == ("payable", "CORRECTION")
    assert replay(db) == (2, [])


def test_over_volume_tells_the_reviewer_an_amendment_is_needed(app, db, not_met):
    contract, objection, reviewer, *_ = not_met
    objection.reason_objected = "OVER_VOLUME"
    db.commit()
    client = app.test_client()
    login(client, reviewer)
    html = client.get(f"/bezwaren/{objection.id}").get_data(as_text=True)
    assert "contractwijziging" in html and f"/beheer/contracten/{contract.id}" in html
