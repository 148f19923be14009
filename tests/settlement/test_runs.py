"""Settlement runs pay the difference with what was invoiced before (section 9)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from settlement import Invoiced, Milestone, ReviewDecision, issue_run

from .factories import HALF_HALF, D, make_claim, make_contract, placed_cohort, settle

AS_OF = date(2028, 3, 1)


def invoiced_from(result, run=None):
    """What an issued run invoiced: every line with its payable amount and status."""
    return {
        (line.milestone, line.tranche): Invoiced(amount=line.payable, municipality=line.municipality,
                                                 trajectory=line.trajectory, status=line.status)
        for line in result.lines
    }


def run_of(result, invoiced=None):
    return issue_run(result, invoiced or {})


def no_lines(contract=None):
    """A contract's evaluation without any line (what remains when every claim is gone)."""
    return settle(contract or make_contract(norm=None), placed_cohort(1, 0)[0], [], as_of=AS_OF)


def met_cohort():
    trajectories, claims = placed_cohort(20, 7)  # exactly 35 %
    return trajectories, claims


def test_dry_run_with_nothing_invoiced_gives_the_lines_of_the_evaluation():
    trajectories, claims = met_cohort()
    claims.append(make_claim("MX", "T019", "placement", date(2026, 3, 3), review="pending"))
    result = settle(trajectories=trajectories, claims=claims, as_of=AS_OF)
    run = run_of(result)
    assert [(rl.milestone, rl.status, rl.line_reason) for rl in run.lines] == \
        [(line.milestone, line.status, line.reason) for line in result.lines]
    for run_line, line in zip(run.lines, result.lines):
        assert run_line.amount == (line.payable if line.payable else None)
        assert run_line.reason is None
        if run_line.amount is not None:
            assert run_line.funding == dict(line.funding)
    assert [(d.municipality, d.kind, d.subtotal, d.vat, d.total) for d in run.documents] == \
        [(i.municipality, "invoice", i.subtotal, i.vat, i.total) for i in result.invoices]


def test_second_run_without_changes_has_no_amounts_and_no_documents():
    trajectories, claims = met_cohort()
    result = settle(trajectories=trajectories, claims=claims, as_of=AS_OF)
    run = run_of(result, invoiced_from(result))
    assert all(rl.informational for rl in run.lines)
    assert run.documents == ()
    assert run.net_by_municipality == {}


def test_revoked_approval_credits_its_own_line_and_corrects_the_cohort():
    trajectories, claims = met_cohort()
    first = settle(trajectories=trajectories, claims=claims, as_of=AS_OF)
    assert first.cohorts[0].status == "met"
    # After an audit the approval of one placement is withdrawn: it is rejected.
    audited = [replace(c, reviews=(*c.reviews, ReviewDecision("revoked", date(2028, 4, 1)))) if c.ref == "MT000" else c
               for c in claims]
    second = settle(trajectories=trajectories, claims=audited, as_of=date(2028, 4, 1))
    assert second.cohorts[0].status == "not_met"
    run = run_of(second, invoiced_from(first))
    by_ref = {rl.milestone: rl for rl in run.lines}
    own = by_ref["MT000"]  # disappeared from the evaluation: rejected claims have no line
    assert (own.amount, own.reason, own.status, own.line) == (D("-1200.00"), "REVOKED", None, None)
    assert own.funding == {"ESF": D("-600.00"), "WERKDEEL": D("-600.00")}
    others = [by_ref[f"MT{i:03d}"] for i in range(1, 7)]
    assert {(rl.amount, rl.reason, rl.line_reason) for rl in others} == {(D("-1200.00"), "CORRECTION",
                                                                          "NORM_NOT_MET")}
    assert run.net_by_municipality == {"0361": D("-8400.00")}
    [credit] = run.documents
    assert (credit.kind, credit.subtotal, credit.vat, credit.total) == ("credit_note", D("-8400.00"),
                                                                        D("-1764.00"), D("-10164.00"))
    assert len(credit.lines) == 7
    assert run.by_funding == {"ESF": D("-4200.00"), "WERKDEEL": D("-4200.00")}


def test_approval_reopened_for_review_is_revoked_and_holds_the_cohort():
    trajectories, claims = met_cohort()
    first = settle(trajectories=trajectories, claims=claims, as_of=AS_OF)
    reopened = [replace(c, reviews=()) if c.ref == "MT000" else c for c in claims]
    second = settle(trajectories=trajectories, claims=reopened, as_of=date(2028, 4, 1))
    run = run_of(second, invoiced_from(first))
    by_ref = {rl.milestone: rl for rl in run.lines}
    assert (by_ref["MT000"].reason, by_ref["MT000"].line_reason) == ("REVOKED", "AWAITING_REVIEW")
    assert (by_ref["MT001"].reason, by_ref["MT001"].line_reason) == ("CORRECTION", "NORM_PENDING")


def test_reason_follows_the_previous_issued_run_status_not_an_older_one():
    # Nothing on balance: CORRECTION only when the line was withheld in the previous issued run.
    trajectories = placed_cohort(1, 0)[0]
    result = settle(make_contract(norm=None), trajectories, [make_claim("M1", "T000")], as_of=AS_OF)
    key = ("M1", "intake")
    shown = {key: Invoiced(amount=D("0.00"), municipality="0361", status="pending")}
    assert run_of(result, shown).changes[0].reason is None
    assert issue_run(result, shown, {key: "withheld"}).changes[0].reason == "CORRECTION"
    # A line credited in full and payable again is simply newly payable.
    credited = {key: Invoiced(amount=D("0.00"), municipality="0361", status=None)}
    assert run_of(result, credited).changes[0].reason is None


def test_upheld_objection_makes_a_withheld_line_payable_as_a_correction():
    trajectories = placed_cohort(1, 0)[0]
    late = make_claim("M1", "T000", "intake", date(2026, 2, 3), submitted=date(2026, 6, 1))
    first = settle(trajectories=trajectories, claims=[late], as_of=AS_OF)
    assert first.lines[0].reason == "LATE_SUBMISSION"
    # The objection is upheld: the submission date on record is corrected.
    fixed = settle(trajectories=trajectories, claims=[replace(late, submitted=date(2026, 2, 10))], as_of=AS_OF)
    run = run_of(fixed, invoiced_from(first))
    assert (run.lines[0].amount, run.lines[0].reason) == (D("800.00"), "CORRECTION")


def test_pending_line_approved_later_is_simply_newly_payable():
    trajectories = placed_cohort(1, 0)[0]
    pending = make_claim("M1", "T000", "intake", date(2026, 2, 3), review="pending")
    first = settle(trajectories=trajectories, claims=[pending], as_of=date(2026, 3, 1))
    approved = replace(pending, reviews=(ReviewDecision("approved", date(2026, 3, 5)),))
    second = settle(trajectories=trajectories, claims=[approved], as_of=date(2026, 3, 5))
    run = run_of(second, invoiced_from(first))
    assert (run.lines[0].amount, run.lines[0].reason) == (D("800.00"), None)


def test_positive_net_with_a_negative_line_is_an_invoice():
    trajectories, claims = placed_cohort(2, 0)
    claims = [make_claim("M1", "T000", "intake", date(2026, 2, 3)),
              make_claim("M2", "T001", "intake", date(2026, 2, 3))]
    contract = make_contract(norm=None)
    result = settle(contract, trajectories, claims, as_of=AS_OF)
    invoiced = {("M1", "intake"): Invoiced(amount=D("900.00"), municipality="0361")}  # overpaid by 100
    run = issue_run(result, invoiced)
    [document] = run.documents
    assert (document.kind, document.subtotal) == ("invoice", D("700.00"))
    assert sorted(rl.amount for rl in document.lines) == [D("-100.00"), D("800.00")]


def test_zero_net_gives_no_document():
    trajectories = placed_cohort(2, 0)[0]
    claims = [make_claim("M1", "T000", "intake", date(2026, 2, 3)),
              make_claim("M2", "T001", "intake", date(2026, 2, 3))]
    result = settle(make_contract(norm=None), trajectories, claims, as_of=AS_OF)
    invoiced = {("M1", "intake"): Invoiced(amount=D("1600.00"), municipality="0361")}
    run = issue_run(result, invoiced)
    assert run.net_by_municipality == {"0361": D("0.00")}
    assert run.documents == ()
    assert [rl.amount for rl in run.lines] == [D("-800.00"), D("800.00")]


def test_vanished_line_needs_its_municipality():
    result = settle(as_of=AS_OF)
    with pytest.raises(ValueError, match="municipality"):
        issue_run(result, {("M9", "intake"): D("800.00")})


def test_vanished_line_with_nothing_invoiced_is_ignored():
    run = issue_run(no_lines(), {("M9", "intake"): Invoiced(amount=D("0.00"), municipality="0361")})
    assert run.lines == () and run.documents == ()


def test_negative_split_mirrors_the_positive_one():
    trajectories, claims = placed_cohort(1, 0)
    claims = [make_claim("M1", "T000", "intake", date(2026, 2, 3))]
    contract = make_contract(price=D("0.05"), norm=None)  # intake 20 % = 0.01
    result = settle(contract, trajectories, claims, as_of=AS_OF)
    assert dict(result.lines[0].funding) == {"ESF": D("0.01"), "WERKDEEL": D("0.00")}
    gone = issue_run(no_lines(contract), {("M1", "intake"): Invoiced(amount=D("0.01"), municipality="0361")})
    assert gone.lines[0].funding == {"ESF": D("-0.01"), "WERKDEEL": D("0.00")}


def test_run_lines_keep_the_current_line():
    trajectories, claims = placed_cohort(1, 0)
    claims = [Milestone(ref="M1", trajectory="T000", type="intake", date=date(2026, 2, 3),
                        submitted=date(2026, 2, 4), reviews=(ReviewDecision("approved", date(2026, 2, 5)),))]
    result = settle(trajectories=trajectories, claims=claims, as_of=AS_OF)
    run = run_of(result)
    assert run.lines[0].line == result.lines[0]
