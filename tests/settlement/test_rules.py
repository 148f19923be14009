"""One test per rule of settlement.md, at its boundaries."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from settlement import Contract, Milestone, StaffelStep, Tranche, evaluate_contract, one_decision
from settlement.dates import add_months
from settlement.terms import ContractTerms, measurement_periods, tranche_amount

from .factories import (
    ALWAYS,
    INTAKE,
    PLACEMENT,
    D,
    line_of,
    make_claim,
    make_contract,
    make_norm,
    make_trajectory,
    placed_cohort,
    settle,
)

# -- 1. contract terms --------------------------------------------------------------------


def test_tranche_share_is_rounded_half_up_to_cents():
    contract = make_contract(price=D("3333.33"))
    assert tranche_amount(contract, Tranche(code="r", milestone="placement", share=D("75"), result=True)) \
        == D("2500.00")  # 2499.9975
    tiny = make_contract(price=D("0.05"))
    assert tranche_amount(tiny, Tranche(code="i", milestone="intake", share=D("50"), result=False)) == D("0.03")


def test_fixed_tranche_amount_is_used_as_is():
    contract = make_contract(tranches=(Tranche(code="x", milestone="intake", amount=D("300.00"), result=False),))
    result = settle(contract, [make_trajectory()], [make_claim("M1")])
    assert line_of(result, "M1").amount == D("300.00")


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)


# -- 2. what is known on the reference date -----------------------------------------------


def test_trajectory_starting_after_as_of_does_not_exist():
    result = settle(trajectories=[make_trajectory(start=date(2026, 5, 1))],
                    claims=[make_claim("M1", day=date(2026, 5, 1))], as_of=date(2026, 4, 30))
    assert result.lines == ()
    assert result.no_line == {"M1": "NOT_YET_KNOWN"}
    assert result.cohorts[0].trajectories == 0


@pytest.mark.parametrize("day, submitted", [(date(2026, 3, 2), date(2026, 3, 2)),
                                           (date(2026, 2, 20), date(2026, 3, 2))])
def test_milestone_dated_or_submitted_after_as_of_does_not_exist(day, submitted):
    result = settle(trajectories=[make_trajectory()], claims=[make_claim("M1", day=day, submitted=submitted)],
                    as_of=date(2026, 3, 1))
    assert result.lines == ()
    assert result.no_line["M1"] == "NOT_YET_KNOWN"


def test_milestone_on_as_of_exists():
    result = settle(trajectories=[make_trajectory()],
                    claims=[make_claim("M1", day=date(2026, 3, 1), submitted=date(2026, 3, 1),
                                       reviewed=date(2026, 3, 1))], as_of=date(2026, 3, 1))
    assert line_of(result, "M1").status == "payable"


@pytest.mark.parametrize("review, reviewed", [
    ("approved", date(2026, 3, 2)),  # decided after as_of
    ("approved", None),  # decision without a date has not happened
    ("rejected", date(2026, 3, 2)),
    ("pending", None),
])
def test_review_not_yet_decided_on_as_of_is_pending(review, reviewed):
    claim = Milestone(ref="M1", trajectory="T1", type="intake", date=date(2026, 2, 3), submitted=date(2026, 2, 10),
                      reviews=one_decision(review, reviewed))
    result = settle(trajectories=[make_trajectory()], claims=[claim], as_of=date(2026, 3, 1))
    line = line_of(result, "M1")
    assert (line.status, line.reason, line.pending, line.review) == ("pending", "AWAITING_REVIEW", D("800.00"),
                                                                     "pending")


def test_rejected_milestone_is_no_claim():
    claims = [make_claim("M1", review="rejected"), make_claim("M2", day=date(2026, 2, 5))]
    result = settle(trajectories=[make_trajectory()], claims=claims)
    assert result.no_line == {"M1": "REJECTED"}
    assert line_of(result, "M2").status == "payable"  # the next claim takes its place
    assert line_of(result, "M2").primary == "M2"


def test_end_reason_counts_only_once_the_end_has_happened():
    trajectory = make_trajectory(end=date(2026, 6, 1), end_reason="moved")
    before = settle(trajectories=[trajectory], as_of=date(2026, 5, 31))
    after = settle(trajectories=[trajectory], as_of=date(2026, 6, 1))
    assert before.cohorts[0].denominator == 1
    assert after.cohorts[0].denominator == 0


# -- 3. admission ---------------------------------------------------------------------------


@pytest.mark.parametrize("start, inside", [
    (date(2025, 12, 31), False), (date(2026, 1, 1), True), (date(2026, 12, 31), True), (date(2027, 1, 1), False),
])
def test_trajectory_outside_the_contract_period_is_withheld(start, inside):
    result = settle(trajectories=[make_trajectory(start=start)], claims=[make_claim("M1", day=start)])
    line = line_of(result, "M1")
    if inside:
        assert line.reason is None
    else:
        assert (line.status, line.reason, line.withheld) == ("withheld", "OUTSIDE_CONTRACT_PERIOD", D("800.00"))
        assert line.cohort is None
        assert sum(c.trajectories for c in result.cohorts) == 0


def test_volume_is_given_by_start_then_ref_and_refused_ones_use_none():
    contract = make_contract(max_trajectories=2)
    trajectories = [
        make_trajectory("T3", date(2026, 2, 1)),
        make_trajectory("T2", date(2026, 2, 1)),  # same day: ranked by ref
        make_trajectory("T1", date(2026, 3, 1)),
        make_trajectory("T0", date(2025, 6, 1)),  # outside the period: uses no volume
    ]
    result = settle(contract, trajectories)
    assert result.refused == {"T0": "OUTSIDE_CONTRACT_PERIOD", "T1": "OVER_VOLUME"}
    assert result.volume_limits == {"T1": "max_trajectories"}


def test_municipality_cap_refuses_only_that_municipality():
    contract = make_contract(max_trajectories=3, municipality_caps={"0361": 1})
    trajectories = [
        make_trajectory("T1", date(2026, 2, 1)),
        make_trajectory("T2", date(2026, 2, 2)),  # Alkmaar over its cap: uses no volume
        make_trajectory("T3", date(2026, 2, 3), municipality="0373"),
        make_trajectory("T4", date(2026, 2, 4), municipality="0373"),
        make_trajectory("T5", date(2026, 2, 5), municipality="0373"),  # contract full
    ]
    claims = [make_claim(f"M{t.ref}", t.ref, day=t.start) for t in trajectories]
    result = settle(contract, trajectories, claims)
    assert result.refused == {"T2": "OVER_VOLUME", "T5": "OVER_VOLUME"}
    assert result.volume_limits == {"T2": "municipality_cap", "T5": "max_trajectories"}
    assert line_of(result, "MT2").reason == "OVER_VOLUME"
    assert line_of(result, "MT4").reason is None
    assert result.cohorts[0].trajectories == 3


def test_trajectories_after_as_of_use_no_volume():
    contract = make_contract(max_trajectories=1)
    trajectories = [make_trajectory("T1", date(2026, 6, 1)), make_trajectory("T2", date(2026, 2, 1))]
    early = settle(contract, trajectories, as_of=date(2026, 3, 1))
    assert early.refused == {}
    later = settle(contract, trajectories, as_of=date(2026, 7, 1))
    assert later.refused == {"T1": "OVER_VOLUME"}


def test_zero_volume_refuses_everything():
    result = settle(make_contract(max_trajectories=0), [make_trajectory()], [make_claim("M1")])
    assert line_of(result, "M1").reason == "OVER_VOLUME"


# -- 4. claims: late, window, primary and duplicates --------------------------------------------


@pytest.mark.parametrize("days, late", [(60, False), (61, True)])
def test_late_by_one_day(days, late):
    claim = make_claim("M1", day=date(2026, 2, 3), submitted=date(2026, 2, 3) + timedelta(days=days))
    line = line_of(settle(trajectories=[make_trajectory()], claims=[claim]), "M1")
    assert line.deadline == date(2026, 4, 4)
    assert line.reason == ("LATE_SUBMISSION" if late else None)


def test_without_a_deadline_nothing_is_late():
    contract = make_contract(submission_deadline_days=None)
    claim = make_claim("M1", day=date(2026, 2, 3), submitted=date(2027, 2, 3))
    line = line_of(settle(contract, [make_trajectory()], [claim]), "M1")
    assert (line.reason, line.deadline) == (None, None)


def test_deadline_of_zero_days():
    contract = make_contract(submission_deadline_days=0)
    same_day = make_claim("M1", day=date(2026, 2, 3), submitted=date(2026, 2, 3))
    next_day = make_claim("M2", trajectory="T2", day=date(2026, 2, 3), submitted=date(2026, 2, 4))
    result = settle(contract, [make_trajectory(), make_trajectory("T2")], [same_day, next_day])
    assert line_of(result, "M1").reason is None
    assert line_of(result, "M2").reason == "LATE_SUBMISSION"


@pytest.mark.parametrize("day, inside", [(date(2026, 2, 28), True), (date(2026, 3, 1), False)])
def test_window_last_day_after_31_january(day, inside):
    contract = make_contract(norm=make_norm(window_months=1, staffel=ALWAYS))
    trajectory = make_trajectory(start=date(2026, 1, 31))
    line = line_of(settle(contract, [trajectory], [make_claim("M1", type="placement", day=day)]), "M1")
    assert line.window_end == date(2026, 2, 28)
    assert line.reason == (None if inside else "OUTSIDE_WINDOW")


def test_window_applies_to_result_tranches_of_other_types_too():
    contract = make_contract(norm=make_norm(window_months=6, staffel=ALWAYS))
    claim = make_claim("M1", type="sustained_placement", day=date(2026, 8, 2))
    assert line_of(settle(contract, [make_trajectory()], [claim]), "M1").reason == "OUTSIDE_WINDOW"


def test_non_result_claims_may_come_after_the_window_and_the_contract():
    contract = make_contract(norm=make_norm(window_months=1))
    trajectory = make_trajectory(end=date(2026, 3, 1), end_reason="completed")
    claim = make_claim("M1", type="intake", day=date(2027, 3, 1))
    line = line_of(settle(contract, [trajectory], [claim]), "M1")
    assert (line.reason, line.window_end) == (None, None)


def test_claim_before_the_trajectory_start_is_outside_the_window():
    claim = make_claim("M1", day=date(2026, 1, 31))
    assert line_of(settle(trajectories=[make_trajectory()], claims=[claim]), "M1").reason == "OUTSIDE_WINDOW"


def test_without_a_norm_only_the_start_limits_claims():
    contract = make_contract(norm=None)
    claim = make_claim("M1", type="placement", day=date(2029, 1, 1))
    line = line_of(settle(contract, [make_trajectory()], [claim], as_of=date(2029, 6, 1)), "M1")
    assert (line.status, line.reason, line.result) == ("payable", None, False)


def test_primary_is_approved_before_pending():
    claims = [make_claim("M1", day=date(2026, 2, 2), review="pending"), make_claim("M2", day=date(2026, 2, 9))]
    result = settle(trajectories=[make_trajectory()], claims=claims)
    assert line_of(result, "M2").reason is None
    assert line_of(result, "M1").reason == "DUPLICATE_CLAIM"
    assert line_of(result, "M1").primary == "M2"


def test_primary_is_in_time_before_late_or_out_of_window():
    claims = [
        make_claim("M1", day=date(2026, 2, 2), submitted=date(2026, 6, 1)),  # late
        make_claim("M2", day=date(2026, 1, 20)),  # before the start
        make_claim("M3", day=date(2026, 2, 20)),
    ]
    result = settle(trajectories=[make_trajectory()], claims=claims)
    assert [line_of(result, m).reason for m in ("M1", "M2", "M3")] == ["DUPLICATE_CLAIM"] * 2 + [None]


def test_primary_ties_are_broken_by_date_then_submitted_then_ref():
    claims = [
        make_claim("M3", day=date(2026, 2, 3), submitted=date(2026, 2, 5)),
        make_claim("M2", day=date(2026, 2, 3), submitted=date(2026, 2, 4)),
        make_claim("M1", day=date(2026, 2, 3), submitted=date(2026, 2, 4)),
        make_claim("M0", day=date(2026, 2, 4), submitted=date(2026, 2, 4)),
    ]
    result = settle(trajectories=[make_trajectory()], claims=claims)
    assert {line.primary for line in result.lines} == {"M1"}


def test_duplicate_of_an_approved_primary_is_withheld_before_being_late():
    claims = [make_claim("M1"), make_claim("M2", day=date(2026, 2, 4), submitted=date(2026, 9, 1))]
    assert line_of(settle(trajectories=[make_trajectory()], claims=claims), "M2").reason == "DUPLICATE_CLAIM"


@pytest.mark.parametrize("duplicate, reason", [
    (dict(day=date(2026, 2, 4), submitted=date(2026, 9, 1)), "LATE_SUBMISSION"),
    (dict(day=date(2026, 1, 4)), "OUTSIDE_WINDOW"),
    (dict(day=date(2026, 2, 4)), "AWAITING_REVIEW"),
])
def test_duplicate_of_a_pending_primary_gets_the_next_reason(duplicate, reason):
    primary = make_claim("M1", day=date(2026, 2, 3), review="pending")
    claims = [primary, make_claim("M2", review="pending", **duplicate)]
    result = settle(trajectories=[make_trajectory()], claims=claims)
    assert line_of(result, "M1").reason == "AWAITING_REVIEW"
    assert line_of(result, "M1").primary == "M1"
    line = line_of(result, "M2")
    assert (line.primary, line.reason) == ("M1", reason)
    assert line.status == ("pending" if reason == "AWAITING_REVIEW" else "withheld")


def test_when_the_pending_primary_is_rejected_the_next_claim_takes_its_place():
    primary = make_claim("M1", day=date(2026, 2, 3), submitted=date(2026, 2, 4), review="rejected",
                         reviewed=date(2026, 3, 1))
    second = make_claim("M2", day=date(2026, 2, 4), submitted=date(2026, 2, 5), reviewed=date(2026, 2, 20))
    before = settle(trajectories=[make_trajectory()], claims=[primary, second], as_of=date(2026, 2, 25))
    after = settle(trajectories=[make_trajectory()], claims=[primary, second], as_of=date(2026, 3, 1))
    # Before the rejection M1 is pending and M2 approved: M2 is primary already.
    assert line_of(before, "M2").reason is None
    assert line_of(before, "M1").reason == "DUPLICATE_CLAIM"
    assert after.no_line == {"M1": "REJECTED"}
    assert line_of(after, "M2").reason is None


def test_only_types_with_a_tranche_make_lines_but_the_norm_type_still_counts():
    contract = make_contract(tranches=(INTAKE,))
    trajectories, claims = placed_cohort(2, 1)
    result = settle(contract, trajectories, claims)
    assert result.lines == ()
    assert result.no_line == {"MT000": "NO_TRANCHE"}
    assert result.cohorts[0].numerator == 1


# -- 5. cohorts and the norm ---------------------------------------------------------------------


def test_periods_count_from_the_contract_start_and_the_last_is_cut():
    contract = make_contract(start=date(2026, 1, 31), end=date(2026, 5, 15), norm=make_norm(measurement_months=1))
    assert measurement_periods(contract) == [
        (date(2026, 1, 31), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 30)),  # 31 Jan + 2 months - 1 day, not 28 Feb + 1 month
        (date(2026, 3, 31), date(2026, 4, 29)),
        (date(2026, 4, 30), date(2026, 5, 15)),  # cut at the contract end
    ]


def test_every_period_is_listed_also_after_as_of():
    contract = make_contract(norm=make_norm(measurement_months=3))
    result = settle(contract, as_of=date(2026, 1, 15))
    assert [c.period_start for c in result.cohorts] == [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1),
                                                        date(2026, 10, 1)]
    assert all(c.status == "pending" and c.pay_fraction is None for c in result.cohorts)


def test_without_a_norm_there_are_no_cohorts():
    assert settle(make_contract(norm=None), [make_trajectory()]).cohorts == ()


def test_trajectory_on_a_period_boundary_belongs_to_the_period_it_starts():
    contract = make_contract(norm=make_norm(measurement_months=6))
    trajectories = [make_trajectory("T1", date(2026, 6, 30)), make_trajectory("T2", date(2026, 7, 1))]
    result = settle(contract, trajectories)
    assert [c.trajectories for c in result.cohorts] == [1, 1]


def test_final_on_adds_window_then_deadline():
    result = settle(as_of=date(2028, 2, 28))
    cohort = result.cohorts[0]
    assert cohort.final_on == date(2028, 2, 29)  # (31 Dec 2026 + 12 months) + 60 days
    assert not cohort.final
    assert settle(as_of=date(2028, 2, 29)).cohorts[0].final


def test_final_on_without_a_deadline():
    result = settle(make_contract(submission_deadline_days=None))
    assert result.cohorts[0].final_on == date(2027, 12, 31)


def test_cohort_waits_for_reviews_of_claims_that_would_count():
    trajectories, claims = placed_cohort(2, 1)
    pending = make_claim("MP", "T001", "placement", date(2026, 3, 3), review="pending")
    result = settle(trajectories=trajectories, claims=claims + [pending])
    cohort = result.cohorts[0]
    assert (cohort.final, cohort.status, cohort.awaiting_review) == (False, "pending", 1)
    assert line_of(result, "MT000").reason == "NORM_PENDING"


def test_late_pending_claim_does_not_hold_the_cohort():
    trajectories, claims = placed_cohort(2, 1)
    late = make_claim("MP", "T001", "placement", date(2026, 3, 3), submitted=date(2026, 8, 1), review="pending")
    cohort = settle(trajectories=trajectories, claims=claims + [late]).cohorts[0]
    assert (cohort.final, cohort.awaiting_review) == (True, 0)


def test_exactly_at_the_norm_is_met():
    trajectories, claims = placed_cohort(20, 7)
    cohort = settle(trajectories=trajectories, claims=claims).cohorts[0]
    assert (cohort.numerator, cohort.denominator, cohort.rate) == (7, 20, D("35.00"))
    assert cohort.ratio == Fraction(1)
    assert (cohort.status, cohort.pay_fraction) == ("met", D("1"))


def test_just_below_the_norm_is_not_met():
    trajectories, claims = placed_cohort(3, 1)  # 33.333... %
    met = settle(make_contract(norm=make_norm(rate=D("33.33"))), trajectories, claims).cohorts[0]
    not_met = settle(make_contract(norm=make_norm(rate=D("33.34"))), trajectories, claims).cohorts[0]
    assert met.rate == not_met.rate == D("33.33")
    assert (met.status, not_met.status) == ("met", "not_met")


def test_rate_is_rounded_half_up_for_display():
    trajectories, claims = placed_cohort(8, 1)  # 12.5 %
    assert settle(trajectories=trajectories, claims=claims).cohorts[0].rate == D("12.50")
    trajectories, claims = placed_cohort(6, 1)  # 16.666... %
    assert settle(trajectories=trajectories, claims=claims).cohorts[0].rate == D("16.67")
    trajectories, claims = placed_cohort(200, 1)  # 0.5 %
    assert settle(trajectories=trajectories, claims=claims).cohorts[0].rate == D("0.50")
    trajectories, claims = placed_cohort(16, 1)  # 6.25 %
    assert settle(trajectories=trajectories, claims=claims).cohorts[0].rate == D("6.25")
    trajectories, claims = placed_cohort(32, 1)  # 3.125 % -> 3.13
    assert settle(trajectories=trajectories, claims=claims).cohorts[0].rate == D("3.13")


def test_numerator_needs_an_approved_in_time_in_window_primary():
    trajectories = [make_trajectory(f"T{i}") for i in range(4)]
    claims = [
        make_claim("M0", "T0", "placement", date(2026, 3, 1)),  # counts
        make_claim("M1", "T1", "placement", date(2026, 3, 1), submitted=date(2026, 6, 1)),  # late
        make_claim("M2", "T2", "placement", date(2027, 2, 2)),  # after the window
        make_claim("M3", "T3", "placement", date(2026, 3, 1), review="pending"),
    ]
    cohort = settle(trajectories=trajectories, claims=claims).cohorts[0]
    assert (cohort.numerator, cohort.denominator, cohort.awaiting_review) == (1, 4, 1)


def test_excluded_end_reasons_leave_the_denominator_but_not_the_cohort():
    trajectories = [
        make_trajectory("T1", end=date(2026, 4, 1), end_reason="moved"),
        make_trajectory("T2", end=date(2026, 4, 1), end_reason="dropout"),
        make_trajectory("T3"),
    ]
    trajectories_placed = [make_claim("M1", "T1", "placement", date(2026, 3, 1))]
    cohort = settle(trajectories=trajectories, claims=trajectories_placed).cohorts[0]
    assert (cohort.trajectories, cohort.denominator, cohort.numerator) == (3, 2, 0)


def test_empty_denominator_has_ratio_one_and_no_rate():
    trajectory = make_trajectory(end=date(2026, 3, 1), end_reason="deceased")
    claim = make_claim("M1", type="placement", day=date(2026, 2, 20))
    result = settle(trajectories=[trajectory], claims=[claim])
    cohort = result.cohorts[0]
    assert (cohort.denominator, cohort.rate, cohort.ratio, cohort.status) == (0, None, 1, "met")
    assert line_of(result, "M1").status == "payable"


def test_over_volume_trajectories_are_in_no_cohort():
    trajectories, claims = placed_cohort(3, 3)
    cohort = settle(make_contract(max_trajectories=1), trajectories, claims).cohorts[0]
    assert (cohort.trajectories, cohort.numerator) == (1, 1)


# -- 6. lines -------------------------------------------------------------------------------------


def test_not_met_withholds_result_lines_only():
    trajectories, claims = placed_cohort(4, 1)
    claims.append(make_claim("MI", "T000", "intake", date(2026, 2, 1)))
    result = settle(trajectories=trajectories, claims=claims)
    assert result.cohorts[0].status == "not_met"
    placement = line_of(result, "MT000")
    assert (placement.status, placement.reason, placement.payable, placement.withheld) == (
        "withheld", "NORM_NOT_MET", D("0.00"), D("1200.00"))
    assert line_of(result, "MI").status == "payable"


def test_staffel_pays_part_rounded_half_up():
    staffel = (StaffelStep(min_ratio=D("0"), pay=D("0")), StaffelStep(min_ratio=D("0.5"), pay=D("0.333")),
               StaffelStep(min_ratio=D("1"), pay=D("1")))
    contract = make_contract(price=D("3333.33"), norm=make_norm(rate=D("30"), staffel=staffel),
                             tranches=(Tranche(code="r", milestone="placement", share=D("75"), result=True),))
    trajectories, claims = placed_cohort(10, 2)  # 20 % of 30 %: ratio 2/3
    result = settle(contract, trajectories, claims)
    assert result.cohorts[0].pay_fraction == D("0.333")
    line = line_of(result, "MT000")
    assert (line.status, line.reason, line.payable, line.withheld, line.pending) == (
        "partial", "NORM_NOT_MET", D("832.50"), D("1667.50"), D("0.00"))


def test_staffel_below_one_at_met_still_gives_norm_not_met():
    staffel = (StaffelStep(min_ratio=D("0"), pay=D("0")), StaffelStep(min_ratio=D("1"), pay=D("0.9")),
               StaffelStep(min_ratio=D("1.5"), pay=D("1")))
    trajectories, claims = placed_cohort(2, 1)  # 50 % of 35 %: ratio 10/7, met
    result = settle(make_contract(norm=make_norm(staffel=staffel)), trajectories, claims)
    assert (result.cohorts[0].status, result.cohorts[0].pay_fraction) == ("met", D("0.9"))
    line = line_of(result, "MT000")
    assert (line.status, line.reason, line.payable) == ("partial", "NORM_NOT_MET", D("1080.00"))


def test_staffel_takes_the_largest_min_ratio_not_above_the_ratio():
    staffel = (StaffelStep(min_ratio=D("1"), pay=D("1")), StaffelStep(min_ratio=D("0"), pay=D("0.1")),
               StaffelStep(min_ratio=D("0.5"), pay=D("0.5")))
    terms = ContractTerms(make_contract(norm=make_norm(staffel=staffel)))
    assert terms.pay_fraction(Fraction(49, 100)) == D("0.1")
    assert terms.pay_fraction(Fraction(1, 2)) == D("0.5")
    assert terms.pay_fraction(Fraction(99, 100)) == D("0.5")
    assert terms.pay_fraction(Fraction(3)) == D("1")


def test_result_tranche_without_a_norm_is_paid_per_result():
    contract = make_contract(norm=None)
    result = settle(contract, [make_trajectory()], [make_claim("M1", type="placement", day=date(2026, 5, 1))])
    line = line_of(result, "M1")
    assert (line.status, line.result, line.cohort) == ("payable", False, None)


def test_non_result_tranche_for_the_norm_milestone_is_not_held_by_the_norm():
    contract = make_contract(tranches=(Tranche(code="p", milestone="placement", share=D("30"), result=False),))
    trajectories, claims = placed_cohort(4, 1)
    result = settle(contract, trajectories, claims, as_of=date(2026, 6, 1))
    assert result.cohorts[0].status == "pending"
    assert line_of(result, "MT000").status == "payable"


def test_reason_precedence_outside_period_over_everything():
    late_duplicate = make_claim("M2", day=date(2025, 12, 2), submitted=date(2026, 9, 1))
    result = settle(trajectories=[make_trajectory(start=date(2025, 12, 1))],
                    claims=[make_claim("M1", day=date(2025, 12, 1)), late_duplicate])
    assert {line.reason for line in result.lines} == {"OUTSIDE_CONTRACT_PERIOD"}


def test_every_line_adds_up():
    trajectories, claims = placed_cohort(10, 3)
    claims.append(make_claim("MX", "T009", "intake", date(2026, 2, 3), review="pending"))
    for as_of in (date(2026, 6, 1), date(2028, 6, 1)):
        for line in settle(trajectories=trajectories, claims=claims, as_of=as_of).lines:
            assert line.payable + line.withheld + line.pending == line.amount
            assert line.pending == (line.amount if line.status == "pending" else 0)


def test_lines_are_ordered_by_trajectory_type_date_submitted_ref():
    trajectories = [make_trajectory("T2"), make_trajectory("T1")]
    claims = [
        make_claim("M5", "T2", "intake"),
        make_claim("M4", "T1", "placement", date(2026, 3, 1)),
        make_claim("M3", "T1", "intake", date(2026, 2, 5), submitted=date(2026, 2, 9)),
        make_claim("M2", "T1", "intake", date(2026, 2, 5), submitted=date(2026, 2, 8)),
        make_claim("M1", "T1", "intake", date(2026, 2, 6)),
    ]
    result = settle(trajectories=trajectories, claims=claims)
    assert [line.milestone for line in result.lines] == ["M2", "M3", "M1", "M4", "M5"]


# -- 7. funding -------------------------------------------------------------------------------------


def test_withheld_lines_have_zero_funding_parts():
    line = line_of(settle(trajectories=[make_trajectory(start=date(2025, 1, 1))],
                          claims=[make_claim("M1", day=date(2025, 1, 2))]), "M1")
    assert dict(line.funding) == {"ESF": D("0.00"), "WERKDEEL": D("0.00")}


def test_without_funding_the_split_is_empty():
    result = settle(make_contract(funding=()), [make_trajectory()], [make_claim("M1")])
    assert dict(line_of(result, "M1").funding) == {}
    assert result.totals.by_funding == {}


# -- 8. totals and invoices ---------------------------------------------------------------------------


def test_totals_per_municipality_and_funding_source():
    trajectories = [make_trajectory("T1"), make_trajectory("T2", municipality="0383"),
                    make_trajectory("T3", municipality="0373", start=date(2025, 1, 1))]
    claims = [make_claim("M1", "T1"), make_claim("M2", "T2", review="pending"),
              make_claim("M3", "T3", day=date(2025, 1, 2))]
    result = settle(make_contract(funding=(*make_contract().funding,
                                           )), trajectories, claims)
    totals = result.totals
    assert (totals.payable, totals.withheld, totals.pending) == (D("800.00"), D("800.00"), D("800.00"))
    assert list(totals.by_municipality) == ["0361", "0373", "0383"]
    assert totals.by_municipality["0373"].withheld == D("800.00")
    assert totals.by_funding == {"ESF": D("400.00"), "WERKDEEL": D("400.00")}
    assert [invoice.municipality for invoice in result.invoices] == ["0361"]


def test_by_funding_lists_sources_without_payable_amounts():
    result = settle(trajectories=[make_trajectory()], claims=[make_claim("M1", review="pending")])
    assert result.totals.by_funding == {"ESF": D("0.00"), "WERKDEEL": D("0.00")}
    assert result.invoices == ()


def test_vat_is_rounded_once_per_invoice():
    contract = make_contract(price=D("0.50"), vat_rate=D("9"),
                             tranches=(Tranche(code="i", milestone="intake", share=D("10"), result=False),))
    trajectories = [make_trajectory(f"T{i}") for i in range(3)]
    claims = [make_claim(f"M{i}", f"T{i}") for i in range(3)]
    invoice = settle(contract, trajectories, claims).invoices[0]
    # 3 × 0.05 = 0.15; 9 % of 0.15 = 0.0135 -> 0.01 (per line it would be 3 × 0.00)
    assert (invoice.subtotal, invoice.vat, invoice.total) == (D("0.15"), D("0.01"), D("0.16"))


def test_vat_rounds_half_up():
    contract = make_contract(price=D("0.50"), vat_rate=D("10"),
                             tranches=(Tranche(code="i", milestone="intake", share=D("10"), result=False),))
    invoice = settle(contract, [make_trajectory()], [make_claim("M1")]).invoices[0]
    assert invoice.vat == D("0.01")  # 10 % of 0.05 = 0.005


# -- input contract of evaluate_contract -----------------------------------------------------------------


def test_trajectory_of_another_contract_is_refused():
    with pytest.raises(ValueError, match="belongs to C2"):
        evaluate_contract(make_contract(), [make_trajectory(contract="C2")], [], date(2026, 6, 1))


def test_milestone_of_an_unknown_trajectory_is_refused():
    with pytest.raises(ValueError, match="not given"):
        evaluate_contract(make_contract(), [], [make_claim("M1")], date(2026, 6, 1))


def test_input_order_does_not_matter():
    trajectories, claims = placed_cohort(6, 3)
    claims += [make_claim(f"I{i}", f"T{i:03d}", "intake", date(2026, 2, 1 + i)) for i in range(6)]
    forward = settle(trajectories=trajectories, claims=claims)
    backward = settle(trajectories=trajectories[::-1], claims=claims[::-1])
    assert forward == backward


def test_contract_is_usable_with_a_plain_dict_of_caps():
    contract: Contract = make_contract(municipality_caps={"0361": 1})
    assert hash(contract) == hash(make_contract(municipality_caps={"0361": 2}))  # caps are not hashed
    result = settle(contract, [make_trajectory("T1"), make_trajectory("T2")])
    assert result.refused == {"T2": "OVER_VOLUME"}


def test_placement_amount_uses_the_contract_price():
    assert line_of(settle(trajectories=[make_trajectory()], claims=[make_claim("M1", type="placement",
                                                                              day=date(2026, 5, 1))]),
                   "M1").amount == D("1200.00")
    assert PLACEMENT.result


def test_tranche_amounts_are_decimal_cents():
    for line in settle(trajectories=[make_trajectory()], claims=[make_claim("M1")]).lines:
        assert isinstance(line.amount, Decimal)
        assert line.amount.as_tuple().exponent == -2
