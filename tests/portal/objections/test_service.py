"""Filing and deciding objections: every rule and refusal, and the money they move in the next run."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.finance.runs import start_run
from portal.models import AuditEvent, FactVersion, InvoiceLine, Objection
from portal.objections.service import (CorrectionInvalid, DecisionReasonRequired, InvalidTransition,
                                       MotivationRequired, ObjectionRefused, choices_for, correction_for,
                                       decide_objection, file_objection, remaining_problem)

from ... import factories as f
from ..finance.helpers import freeze_today, import_example
from .conftest import AS_OF, MOTIVATION, claim_by_ref, issue


def audit(db, action: str, object_id) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                    AuditEvent.object_id == str(object_id))))


# ---------------------------------------------------------------- filing

def test_the_bureau_objects_to_a_withheld_line(db, ow):
    line = ow.line(ow.late)
    objection = file_objection(db, ow.bureau, line, f"  {MOTIVATION}  ")
    assert (objection.status, objection.reason_objected, objection.claim_id, objection.provider_id) == (
        "open", "LATE_SUBMISSION", ow.late.id, ow.provider.id)
    assert objection.motivation == MOTIVATION and objection.created_by_id == ow.bureau.id
    assert objection.settlement_line_id == line.id and objection.decided_at is None
    [event] = audit(db, "objection.filed", objection.id)
    assert event.actor_id == ow.bureau.id
    assert event.after["reason_objected"] == "LATE_SUBMISSION" and event.after["withheld"] == "800.00"


def test_only_a_user_of_the_contracts_bureau_may_object(db, ow):
    line = ow.line(ow.late)
    for actor in (ow.other_bureau, ow.reviewer, ow.approver):
        with pytest.raises(ObjectionRefused, match="Alleen het re-integratiebedrijf"):
            file_objection(db, actor, line, MOTIVATION)


def test_only_lines_of_an_issued_run_can_be_objected_to(db, ow):
    draft = start_run(db, ow.preparer, ow.contract, AS_OF)
    with pytest.raises(ObjectionRefused, match="gefactureerde afrekening"):
        file_objection(db, ow.bureau, ow.line(ow.late, draft), MOTIVATION)


def test_a_payable_line_cannot_be_objected_to(db, ow):
    line = ow.line(ow.paid)
    assert line.status == "payable"
    with pytest.raises(ObjectionRefused, match="ingehouden of deels betaalde regel"):
        file_objection(db, ow.bureau, line, MOTIVATION)


def test_a_pending_line_cannot_be_objected_to(db, ow):
    trajectory = ow.late.trajectory
    f.create_claim(db, trajectory, "placement", happened=date(2026, 4, 1), submitted=date(2026, 4, 2),
                   review="approved", reviewed=date(2026, 4, 3))
    run, _ = issue(db, ow.contract, ow.preparer, ow.approver)
    pending = next(line for line in run.lines if line.status == "pending")
    assert pending.reason == "NORM_PENDING"
    with pytest.raises(ObjectionRefused, match="ingehouden of deels betaalde regel"):
        file_objection(db, ow.bureau, pending, MOTIVATION)


def test_a_line_without_a_claim_cannot_be_objected_to(db, ow):
    line = ow.line(ow.late)
    line.claim_id = None
    with pytest.raises(ObjectionRefused, match="hoort niet bij een declaratie"):
        file_objection(db, ow.bureau, line, MOTIVATION)


@pytest.mark.parametrize("motivation", ["", "   ", "Klopt niet.", "x" * 19, "x" * 4001])
def test_an_objection_needs_a_motivation_of_twenty_to_four_thousand_characters(db, ow, motivation):
    with pytest.raises(MotivationRequired):
        file_objection(db, ow.bureau, ow.line(ow.late), motivation)
    assert db.scalar(select(Objection.id)) is None


def test_one_open_objection_per_claim_and_tranche_also_across_runs(db, ow):
    first = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    with pytest.raises(ObjectionRefused, match="loopt al een bezwaar"):
        file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    second_run, _ = issue(db, ow.contract, ow.preparer, ow.approver)
    with pytest.raises(ObjectionRefused, match="loopt al een bezwaar"):
        file_objection(db, ow.bureau, ow.line(ow.late, second_run), MOTIVATION)
    # Another line of the same run is free; and once decided, the same line may be objected to again.
    file_objection(db, ow.bureau, ow.line(ow.early), MOTIVATION)
    decide_objection(db, ow.reviewer, first, uphold=False, reason="Geen bewijs van eerdere indiening.")
    again = file_objection(db, ow.bureau, ow.line(ow.late, second_run), MOTIVATION + " Nu met bewijs.")
    assert again.status == "open"


# ---------------------------------------------------------------- deciding

@pytest.fixture
def late_objection(db, ow) -> Objection:
    return file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)


def test_only_a_contract_manager_decides(db, ow, late_objection):
    for actor in (ow.bureau, ow.approver, f.create_user(db, "admin")):
        with pytest.raises(ObjectionRefused, match="Alleen een contractmanager"):
            decide_objection(db, actor, late_objection, uphold=False, reason="Nee.")
    assert late_objection.status == "open"


def test_nobody_decides_an_objection_they_filed(db, ow):
    both = f.create_legacy_dual_role_user(db, ow.provider)
    objection = file_objection(db, both, ow.line(ow.late), MOTIVATION)
    with pytest.raises(ObjectionRefused, match="zelf ingediend"):
        decide_objection(db, both, objection, uphold=True, reason="Terecht.", corrected_date=date(2026, 3, 20))
    colleague = f.create_legacy_dual_role_user(db, ow.provider)
    with pytest.raises(ObjectionRefused, match="re-integratiebedrijf dat dit bezwaar indiende"):
        decide_objection(db, colleague, objection, uphold=False, reason="Nee.")
    assert objection.status == "open" and ow.late.submitted == date(2026, 5, 1)


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 4001])
def test_a_decision_needs_a_reason(db, ow, late_objection, reason):
    with pytest.raises(DecisionReasonRequired):
        decide_objection(db, ow.reviewer, late_objection, uphold=False, reason=reason)


def test_a_decided_objection_is_final(db, ow, late_objection):
    decide_objection(db, ow.reviewer, late_objection, uphold=False, reason="Geen bewijs.")
    with pytest.raises(InvalidTransition, match="al ongegrond"):
        decide_objection(db, ow.other_reviewer, late_objection, uphold=True, reason="Toch wel.",
                         corrected_date=date(2026, 3, 20))
    with pytest.raises(InvalidTransition, match="al ongegrond"):
        decide_objection(db, ow.other_reviewer, late_objection, uphold=False, reason="Nogmaals.")


def test_rejecting_changes_nothing_on_the_claim(db, ow, late_objection):
    decide_objection(db, ow.reviewer, late_objection, uphold=False, reason="  Geen bewijs van indiening.  ")
    assert (late_objection.status, late_objection.decided_by_id, late_objection.decision_reason) == (
        "rejected", ow.reviewer.id, "Geen bewijs van indiening.")
    assert late_objection.decided_at is not None and ow.late.submitted == date(2026, 5, 1)
    [event] = audit(db, "objection.rejected", late_objection.id)
    assert event.before["status"] == "open" and event.after["corrected"] is None
    assert audit(db, "claim.corrected", ow.late.id) == []


def test_a_rejection_takes_no_corrected_date(db, ow, late_objection):
    with pytest.raises(CorrectionInvalid, match="alleen bij een gegrond bezwaar"):
        decide_objection(db, ow.reviewer, late_objection, uphold=False, reason="Nee.",
                         corrected_date=date(2026, 3, 20))


def test_upholding_a_late_submission_corrects_the_submission_date_within_bounds(db, ow, late_objection):
    correction = correction_for(late_objection, ow.late)
    assert (correction.field, correction.earliest, correction.latest) == ("submitted", date(2026, 2, 3),
                                                                          date(2026, 5, 1))
    with pytest.raises(CorrectionInvalid, match="indieningsdatum"):
        decide_objection(db, ow.reviewer, late_objection, uphold=True, reason="Terecht.")
    for wrong in (date(2026, 2, 2), date(2026, 5, 2)):
        with pytest.raises(CorrectionInvalid, match="tussen 03-02-2026 en 01-05-2026"):
            decide_objection(db, ow.reviewer, late_objection, uphold=True, reason="Terecht.", corrected_date=wrong)
    assert late_objection.status == "open" and ow.late.submitted == date(2026, 5, 1)

    decide_objection(db, ow.reviewer, late_objection, uphold=True, reason="E-mail van 20-03 gezien.",
                     corrected_date=date(2026, 3, 20))
    assert late_objection.status == "upheld" and ow.late.submitted == date(2026, 3, 20)
    assert ow.late.date == date(2026, 2, 3)
    [event] = audit(db, "claim.corrected", ow.late.id)
    assert event.object_type == "milestone_claim" and event.actor_id == ow.reviewer.id
    assert event.before == {"date": "2026-02-03", "submitted": "2026-05-01"}
    [version] = [v for v in db.scalars(select(FactVersion).where(FactVersion.claim_id == ow.late.id))
                 if v.source == "correction"]
    assert (version.field, version.previous_value, version.value, version.objection_id, version.recorded_by_id) == (
        "submitted", "2026-05-01", "2026-03-20", late_objection.id, ow.reviewer.id)
    assert event.after["submitted"] == "2026-03-20" and event.after["objection_id"] == late_objection.id
    [decided] = audit(db, "objection.upheld", late_objection.id)
    assert decided.after["corrected"] == {"submitted": "2026-03-20"}
    assert remaining_problem(ow.late) is None


def test_a_correction_that_does_not_cure_the_lateness_is_flagged(db, ow, late_objection):
    decide_objection(db, ow.reviewer, late_objection, uphold=True, reason="Deels terecht.",
                     corrected_date=date(2026, 4, 20))
    assert "te laat" in remaining_problem(ow.late)


def test_upholding_outside_window_corrects_the_milestone_date_within_the_window(db, ow):
    objection = file_objection(db, ow.bureau, ow.line(ow.early), MOTIVATION)
    correction = correction_for(objection, ow.early)
    # An intake has no result tranche: only the trajectory's start limits it (and it was submitted on 05-03).
    assert (correction.field, correction.earliest, correction.latest) == ("date", date(2026, 3, 1),
                                                                          date(2026, 3, 5))
    with pytest.raises(CorrectionInvalid, match="tussen 01-03-2026 en 05-03-2026"):
        decide_objection(db, ow.reviewer, objection, uphold=True, reason="Terecht.", corrected_date=date(2026, 2, 28))
    decide_objection(db, ow.reviewer, objection, uphold=True, reason="Intake was op 2 maart.",
                     corrected_date=date(2026, 3, 2))
    assert ow.early.date == date(2026, 3, 2) and ow.early.submitted == date(2026, 3, 5)
    [event] = audit(db, "claim.corrected", ow.early.id)
    assert event.before["date"] == "2026-02-20" and event.after["date"] == "2026-03-02"


def test_the_window_of_a_result_claim_ends_window_months_after_the_start(db, ow):
    placement = f.create_claim(db, ow.early.trajectory, "placement", happened=date(2027, 4, 1),
                               submitted=date(2027, 4, 20), review="approved", reviewed=date(2027, 4, 22))
    objection = Objection(reason_objected="OUTSIDE_WINDOW", claim_id=placement.id)
    correction = correction_for(objection, placement)
    assert (correction.earliest, correction.latest) == (date(2026, 3, 1), date(2027, 3, 1))


def test_no_date_fits_when_the_claim_was_submitted_before_the_trajectory_started(db, ow):
    ow.early.submitted = date(2026, 2, 25)
    objection = file_objection(db, ow.bureau, ow.line(ow.early), MOTIVATION)
    with pytest.raises(CorrectionInvalid, match="Geen datum past"):
        decide_objection(db, ow.reviewer, objection, uphold=True, reason="Terecht.", corrected_date=date(2026, 3, 1))


def test_upholding_a_duplicate_chooses_which_claim_counts_as_a_new_decision(db, ow):
    objection = file_objection(db, ow.bureau, ow.line(ow.duplicate), MOTIVATION)
    assert objection.reason_objected == "DUPLICATE_CLAIM" and correction_for(objection, ow.duplicate) is None
    [choice] = choices_for(db, objection, ow.duplicate)
    assert choice.value == f"count:{ow.paid.id}" and ow.paid.ref in choice.label
    with pytest.raises(CorrectionInvalid):
        decide_objection(db, ow.reviewer, objection, uphold=True, reason="x", corrected_date=date(2026, 3, 1))
    with pytest.raises(CorrectionInvalid, match="Kies de correctie"):
        decide_objection(db, ow.reviewer, objection, uphold=True, reason="Deze telt.", choice="count:999999")
    decide_objection(db, ow.reviewer, objection, uphold=True, reason="De eerste intake was dubbel; deze telt.",
                     choice=choice.value)
    assert objection.status == "upheld"
    assert (ow.duplicate.date, ow.duplicate.submitted) == (date(2026, 2, 4), date(2026, 2, 11))
    # The approval of the other claim is withdrawn by a new decision; the approval stays in the history.
    assert [(r.decision, r.objection_id) for r in ow.paid.reviews][-1] == ("revoked", objection.id)
    assert ow.paid.review == "rejected"
    [event] = audit(db, "objection.upheld", objection.id)
    assert event.after["corrected"] == {"claim": ow.paid.ref, "review": "revoked", "counts": ow.duplicate.ref}


# ---------------------------------------------------------------- the money

def test_an_upheld_late_submission_is_paid_by_the_next_run(db, ow, late_objection):
    first_line = ow.line(ow.late)
    assert (first_line.status, first_line.reason, first_line.withheld, first_line.delta) == (
        "withheld", "LATE_SUBMISSION", Decimal("800.00"), Decimal("0.00"))
    assert [i.subtotal for i in ow.invoices] == [Decimal("800.00")]  # only the paid intake

    decide_objection(db, ow.reviewer, late_objection, uphold=True, reason="Indiening per e-mail op 20-03 aangetoond.",
                     corrected_date=date(2026, 3, 20))
    run, invoices = issue(db, ow.contract, ow.preparer, ow.approver)

    line = ow.line(ow.late, run)
    assert (line.status, line.reason, line.payable, line.withheld) == ("payable", None, Decimal("800.00"),
                                                                       Decimal("0.00"))
    assert (line.previously_invoiced, line.delta) == (Decimal("0.00"), Decimal("800.00"))
    assert run.total_delta == Decimal("800.00")
    [invoice] = invoices
    assert (invoice.kind, invoice.subtotal, invoice.total) == ("invoice", Decimal("800.00"), Decimal("968.00"))
    [invoice_line] = db.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
    assert (invoice_line.settlement_line_id, invoice_line.milestone_ref, invoice_line.amount) == (
        line.id, ow.late.ref, Decimal("800.00"))
    # The other withheld lines stay withheld and carry no amount.
    assert {(ow.line(c, run).status, ow.line(c, run).delta) for c in (ow.early, ow.duplicate)} == {
        ("withheld", Decimal("0.00"))}
    # The audit trail tells the whole story of the claim.
    [corrected] = audit(db, "claim.corrected", ow.late.id)
    assert (corrected.before["submitted"], corrected.after["submitted"]) == ("2026-05-01", "2026-03-20")


def test_the_line_an_upheld_objection_pays_is_a_correction(db, ow, late_objection):
    decide_objection(db, ow.reviewer, late_objection, uphold=True, reason="Aangetoond.",
                     corrected_date=date(2026, 3, 20))
    run, _ = issue(db, ow.contract, ow.preparer, ow.approver)
    assert ow.line(ow.late, run).delta_reason == "CORRECTION"


def test_an_upheld_outside_window_result_changes_the_cohort_and_the_partial_lines(db, monkeypatch):
    """03-staffel-partial: M0011 is a placement after its 9-month window; in the window it counts for the norm."""
    freeze_today(monkeypatch, date(2028, 7, 1))
    _, contract = import_example(db, "03-staffel-partial")
    preparer, approver, reviewer = f.create_user(db, "finance"), f.create_user(db, "finance"), \
        f.create_user(db, "reviewer")
    bureau = f.create_user(db, "provider", provider=contract.provider)
    first, _ = issue(db, contract, preparer, approver, date(2028, 6, 30))
    lines = {line.milestone_ref: line for line in first.lines}
    assert (lines["M0002"].status, lines["M0011"].status, lines["M0011"].reason) == (
        "partial", "withheld", "OUTSIDE_WINDOW")

    partial = file_objection(db, bureau, lines["M0002"], MOTIVATION)  # a partly paid line may be objected to
    assert partial.reason_objected == "NORM_NOT_MET"
    objection = file_objection(db, bureau, lines["M0011"], MOTIVATION)
    claim = claim_by_ref(db, "M0011")
    correction = correction_for(objection, claim)
    assert (correction.earliest, correction.latest) == (date(2026, 8, 15), date(2027, 5, 15))
    decide_objection(db, reviewer, objection, uphold=True, reason="Plaatsing begon al op 10-05-2027.",
                     corrected_date=date(2027, 5, 10))

    second, _ = issue(db, contract, preparer, approver, date(2028, 6, 30))
    now = {line.milestone_ref: line for line in second.lines}
    assert now["M0011"].delta > 0 and now["M0011"].reason != "OUTSIDE_WINDOW"
    # The cohort's achievement rose, so the partly paid results are corrected upwards.
    assert now["M0002"].delta > 0 and now["M0002"].delta_reason == "CORRECTION"
    assert second.total_delta > 0
