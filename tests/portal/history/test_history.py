"""History that holds: append-only decisions and fact versions, facts as recorded, replay of every issued run."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import settlement
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from portal import clock
from portal.finance.facts import load_facts
from portal.finance.preview import preview
from portal.history.corrections import correct_fact
from portal.history.replay import replay
from portal.models import FactVersion, MilestoneClaim, Review, SettlementLine
from portal.objections.service import decide_objection, file_objection
from portal.review.service import revoke_approval

from ... import factories as f
from ..finance.helpers import finance_pair, freeze_today, import_example
from ..objections.conftest import MOTIVATION, issue, ow, today  # noqa: F401 (fixtures)

AS_OF = date(2028, 3, 31)


def claim(db, ref: str) -> MilestoneClaim:
    return db.scalar(select(MilestoneClaim).where(MilestoneClaim.ref == ref))


def lines_of(result) -> dict:
    return {(line.milestone, line.tranche): (line.status, line.reason, line.payable) for line in result.lines}


@pytest.fixture
def example(db, monkeypatch):
    freeze_today(monkeypatch, date(2028, 4, 2))
    _, contract = import_example(db, "01-basic")
    return contract


def test_review_and_fact_version_rows_are_append_only(db, example):
    review = db.scalar(select(Review).limit(1))
    version = db.scalar(select(FactVersion).limit(1))
    assert review is not None and version is not None  # the import wrote decisions and first versions
    for statement in (update(Review).where(Review.id == review.id).values(reason_text="overschreven"),
                      delete(Review).where(Review.id == review.id),
                      update(FactVersion).where(FactVersion.id == version.id).values(value="2000-01-01"),
                      delete(FactVersion).where(FactVersion.id == version.id)):
        with pytest.raises(DatabaseError, match="append-only"):
            with db.begin_nested():
                db.execute(statement)


def test_a_preview_as_of_an_earlier_date_is_unchanged_by_a_later_revocation(db, example):
    """The bug of the issue: a revocation overwrote the approval, so an earlier, final, met cohort changed."""
    before = lines_of(preview(db, example, AS_OF))
    reviewer = f.create_user(db, "reviewer")
    revoke_approval(db, reviewer, claim(db, "M0005"), reason_text="Auditbevinding: geen loonstrook.",
                    decided_on=date(2028, 4, 1))
    assert claim(db, "M0005").review == "rejected"  # the cache shows the decision in force now
    assert [r.decision for r in claim(db, "M0005").reviews] == ["approved", "revoked"]
    assert lines_of(preview(db, example, AS_OF)) == before
    assert before[("M0005", "plaatsing")][0] == "payable" and before[("M0002", "plaatsing")][0] == "payable"
    after = lines_of(preview(db, example, date(2028, 4, 1)))
    # From the revocation's date on the claim counts as rejected: no line, and the cohort falls below its norm.
    assert ("M0005", "plaatsing") not in after and after[("M0002", "plaatsing")][1] == "NORM_NOT_MET"


def test_facts_as_recorded_leave_out_later_corrections(db, example):
    reviewer = f.create_user(db, "reviewer")
    target = claim(db, "M0002")
    moment = clock.now()
    original = target.submitted
    correct_fact(db, reviewer, target, "submitted", original.replace(day=1) if original.day > 1 else original,
                 note="test")
    correct_fact(db, reviewer, target.trajectory, "end_reason", "moved", note="test") \
        if target.trajectory.end_reason is not None else None
    then = {m.ref: m for m in load_facts(db, example, recorded_at=moment).milestones}
    now = {m.ref: m for m in load_facts(db, example).milestones}
    assert then["M0002"].submitted == original
    assert now["M0002"].submitted == target.submitted
    versions = db.scalars(select(FactVersion).where(FactVersion.claim_id == target.id,
                                                    FactVersion.field == "submitted").order_by(FactVersion.id)).all()
    assert [v.source for v in versions] == ["recorded", "correction"]
    assert versions[-1].previous_value == original.isoformat() and versions[-1].recorded_by_id == reviewer.id


def test_a_claim_recorded_after_a_moment_did_not_exist_at_that_moment(db, example):
    moment = clock.now()
    trajectory = claim(db, "M0002").trajectory
    late = f.create_claim(db, trajectory, "completion", happened=date(2027, 1, 5), submitted=date(2027, 1, 6))
    assert late.ref in {m.ref for m in load_facts(db, example).milestones}
    assert late.ref not in {m.ref for m in load_facts(db, example, recorded_at=moment).milestones}


def test_replay_reproduces_runs_with_revocations_and_upheld_objections_in_between(db, example, monkeypatch):
    """Issue, revoke, issue, uphold, issue: every issued run replays without a difference."""
    preparer, approver = finance_pair(db)
    reviewer, other_reviewer = f.create_user(db, "reviewer"), f.create_user(db, "reviewer")
    bureau = f.create_user(db, "provider", provider=example.provider)
    first, _ = issue(db, example, preparer, approver, AS_OF)
    # A revocation dated after the first run's date, recorded after it.
    revoke_approval(db, reviewer, claim(db, "M0005"), reason_text="Auditbevinding.", decided_on=date(2028, 4, 1))
    freeze_today(monkeypatch, date(2028, 4, 3))
    second, _ = issue(db, example, preparer, approver, date(2028, 4, 2))
    revoked = {line.milestone_ref: line.delta_reason for line in second.lines if line.delta}
    assert revoked.get("M0005") == "REVOKED"
    # The bureau objects to the vanished line; upheld: the approval comes back as a new decision.
    line = next(line for line in second.lines if line.milestone_ref == "M0005")
    objection = file_objection(db, bureau, line, MOTIVATION)
    decide_objection(db, other_reviewer, objection, uphold=True, reason="Loonstrook alsnog ontvangen.",
                     choice=f"reinstate:{line.claim_id}")
    assert [r.decision for r in claim(db, "M0005").reviews] == ["approved", "revoked", "approved"]
    third, _ = issue(db, example, preparer, approver, date(2028, 4, 3))
    paid_again = {line.milestone_ref: (line.delta > 0, line.delta_reason) for line in third.lines if line.delta}
    # M0005 was credited in full and is payable again (section 9: no reason); its cohort's lines are corrections.
    assert paid_again["M0005"] == (True, None) and paid_again["M0002"] == (True, "CORRECTION")

    count, differences = replay(db)
    assert (count, differences) == (3, [])
    # The reinstatement is dated 03-04: as of that date the claim pays again, as of 02-04 it still does not.
    assert lines_of(preview(db, example, date(2028, 4, 3)))[("M0005", "plaatsing")][0] == "payable"
    assert ("M0005", "plaatsing") not in lines_of(preview(db, example, date(2028, 4, 2)))


def test_replay_reports_a_frozen_line_that_does_not_match(db, example):
    preparer, approver = finance_pair(db)
    run, _ = issue(db, example, preparer, approver, AS_OF)
    line = next(line for line in run.lines if line.status == "payable")
    db.execute(update(SettlementLine).where(SettlementLine.id == line.id)
               .values(payable=line.payable + Decimal("0.01"), amount=line.amount + Decimal("0.01")))
    db.expire_all()
    count, differences = replay(db)
    assert count == 1 and {(d.milestone, d.field) for d in differences} == {
        (line.milestone_ref, "payable"), (line.milestone_ref, "amount")}


def test_the_replay_command_prints_the_count_and_exits_1_on_differences(app, db, example):
    preparer, approver = finance_pair(db)
    run, _ = issue(db, example, preparer, approver, AS_OF)
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["settlement", "replay", "--all"])
    assert result.exit_code == 0 and result.output.strip().endswith("1 runs replayed, 0 differences")
    result = runner.invoke(args=["settlement", "replay", "--run", str(run.id)])
    assert result.exit_code == 0 and "1 runs replayed, 0 differences" in result.output
    line = next(line for line in run.lines if line.status == "payable")
    db.execute(update(SettlementLine).where(SettlementLine.id == line.id).values(reason="NORM_PENDING"))
    db.commit()
    result = runner.invoke(args=["settlement", "replay", "--all"])
    assert result.exit_code == 1 and f"{line.milestone_ref}/{line.tranche_code} reason" in result.output
    assert "1 runs replayed, 1 differences" in result.output


def test_a_decision_may_not_go_back_before_the_previous_one(db, example):
    reviewer = f.create_user(db, "reviewer")
    target = claim(db, "M0005")
    from portal.review.states import ReviewError
    with pytest.raises(ReviewError, match="vóór de datum van de goedkeuring"):
        revoke_approval(db, reviewer, target, reason_text="Audit.", decided_on=date(2026, 6, 24))
    assert [r.decision for r in target.reviews] == ["approved"]


def test_replay_holds_after_date_and_start_corrections(db, ow, monkeypatch):
    """Upheld objections correct dates as new versions; both runs replay exactly, before and after."""
    from ..objections.conftest import AS_OF as FIRST_AS_OF
    late = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    decide_objection(db, ow.reviewer, late, uphold=True, reason="E-mail gezien.", corrected_date=date(2026, 3, 20))
    early = file_objection(db, ow.bureau, ow.line(ow.early), MOTIVATION)
    decide_objection(db, ow.reviewer, early, uphold=True, reason="Intake op 2 maart.", corrected_date=date(2026, 3, 2))
    outside = f.create_trajectory(db, ow.contract, ow.municipality, start=date(2025, 12, 1))
    intake = f.create_claim(db, outside, "intake", happened=date(2026, 1, 10), submitted=date(2026, 1, 12),
                            review="approved", reviewed=date(2026, 1, 20))
    second, _ = issue(db, ow.contract, ow.preparer, ow.approver, FIRST_AS_OF)
    line = ow.line(intake, second)
    assert (line.status, line.reason) == ("withheld", "OUTSIDE_CONTRACT_PERIOD")
    corrections = {l.milestone_ref: l.delta_reason for l in second.lines if l.delta}
    assert corrections == {ow.late.ref: "CORRECTION", ow.early.ref: "CORRECTION"}
    objection = file_objection(db, ow.bureau, line, MOTIVATION)
    decide_objection(db, ow.reviewer, objection, uphold=True, reason="Start was 5 januari.",
                     corrected_date=date(2026, 1, 5))
    assert outside.start == date(2026, 1, 5)
    third, _ = issue(db, ow.contract, ow.preparer, ow.approver, FIRST_AS_OF)
    assert ow.line(intake, third).delta_reason == "CORRECTION"
    assert replay(db) == (3, [])
    # As recorded when the second run was drafted, the trajectory still started before the contract.
    then = {t.ref: t for t in load_facts(db, ow.contract, recorded_at=second.prepared_at).trajectories}
    assert then[outside.ref].start == date(2025, 12, 1)
