"""What approving a claim today would lead to: the engine's own line, so the reviewer sees the settlement's rules."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from settlement import is_late, outlook_if_approved

from .factories import make_claim, make_contract, make_trajectory, placed_cohort, settle

TODAY = date(2026, 6, 1)


def test_a_claim_in_time_would_be_payable():
    claims = [make_claim("M1", review="pending")]
    outlook = outlook_if_approved(make_contract(), [make_trajectory()], claims, "M1", TODAY)
    assert outlook.line.status == "payable" and outlook.line.payable > 0 and not outlook.withheld_anyway
    assert "goedgekeurd op 01-06-2026" in outlook.explanation


def test_a_late_claim_would_be_withheld_whatever_the_decision():
    claims = [make_claim("M1", day=date(2026, 2, 3), submitted=date(2026, 5, 1), review="pending")]
    outlook = outlook_if_approved(make_contract(), [make_trajectory()], claims, "M1", TODAY)
    assert outlook.line.reason == "LATE_SUBMISSION" and outlook.withheld_anyway
    assert "te laat" in outlook.explanation


def test_a_duplicate_behind_an_approved_claim_would_be_withheld():
    claims = [make_claim("M1"), make_claim("M2", submitted=date(2026, 2, 20), review="pending")]
    outlook = outlook_if_approved(make_contract(), [make_trajectory()], claims, "M2", TODAY)
    assert outlook.line.reason == "DUPLICATE_CLAIM" and outlook.withheld_anyway


def test_an_over_volume_trajectory_is_named():
    trajectories = [make_trajectory("T1"), make_trajectory("T2", start=date(2026, 2, 2))]
    claims = [make_claim("M1", "T2", review="pending")]
    outlook = outlook_if_approved(make_contract(max_trajectories=1), trajectories, claims, "M1", TODAY)
    assert outlook.refused == "OVER_VOLUME" and outlook.line.reason == "OVER_VOLUME"


def test_a_result_claim_names_its_cohort_and_waits_for_the_norm():
    trajectories, claims = placed_cohort(4, 1)
    pending = make_claim("MX", "T001", "placement", date(2026, 3, 1), review="pending")
    outlook = outlook_if_approved(make_contract(), trajectories, [*claims, pending], "MX", TODAY)
    assert outlook.cohort is not None and outlook.cohort.index == 0
    assert outlook.line.status == "pending" and outlook.line.reason == "NORM_PENDING"
    # Counted as approved today: the cohort now has two results.
    assert outlook.cohort.numerator == 2


def test_the_claims_own_facts_are_not_changed_and_unknown_claims_are_refused():
    claims = [make_claim("M1", review="pending")]
    outlook_if_approved(make_contract(), [make_trajectory()], claims, "M1", TODAY)
    assert claims[0].reviews == ()
    with pytest.raises(LookupError):
        outlook_if_approved(make_contract(), [make_trajectory()], claims, "M9", TODAY)


@given(st.integers(0, 89), st.integers(0, 120), st.one_of(st.none(), st.integers(0, 90)))
def test_is_late_is_the_rule_the_evaluation_applies(offset, delay, days):
    """The review queue filters on `is_late`; it must agree with LATE_SUBMISSION in every case."""
    happened = date(2026, 2, 1) + timedelta(days=offset)
    submitted = happened + timedelta(days=delay)
    line = settle(make_contract(submission_deadline_days=days), [make_trajectory(start=date(2026, 1, 15))],
                  [make_claim("M1", day=happened, submitted=submitted)]).line("M1")
    assert (line.reason == "LATE_SUBMISSION") == is_late(happened, submitted, days)
