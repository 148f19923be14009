"""The forecast of an open cohort: what it needs, who can deliver, what is at stake."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from settlement.forecast import cohort_members, forecast_cohorts, needed_results

from .factories import make_claim, make_trajectory, placed_cohort, settle

AS_OF = date(2026, 9, 30)  # the 2026 cohort is open until 2027-12-31 + 60 days


def _forecast(trajectories, claims, as_of=AS_OF):
    result = settle(trajectories=trajectories, claims=claims, as_of=as_of)
    return result, forecast_cohorts(result, cohort_members(result, trajectories, claims))[0]


def test_seven_of_twenty_meets_a_35_percent_norm_exactly():
    result, forecast = _forecast(*placed_cohort(20, 7))
    assert result.cohorts[0].numerator == 7 and forecast.needed == 0


def test_six_of_twenty_needs_one_more_and_thirteen_can_deliver():
    trajectories, claims = placed_cohort(20, 6)
    result, forecast = _forecast(trajectories, claims)
    assert forecast.needed == 1 and forecast.can_deliver == 14 and forecast.reachable
    assert forecast.last_window_closes == date(2027, 2, 1)
    assert forecast.days_to_last_window == (date(2027, 2, 1) - AS_OF).days
    assert forecast.days_to_final == (date(2027, 12, 31) + timedelta(days=60) - AS_OF).days
    # Six placements at 30 % of € 4000 wait for the norm; all or nothing: 0 now, all at the norm.
    assert forecast.pending == Decimal("7200.00")
    assert forecast.pay_at_current == Decimal("0.00") and forecast.pay_at_norm == Decimal("7200.00")


def test_ended_trajectories_and_pending_claims_cannot_deliver_again():
    trajectories, claims = placed_cohort(4, 0)
    trajectories[0] = make_trajectory("T000", trajectories[0].start, end=date(2026, 5, 1), end_reason="dropout")
    trajectories[1] = make_trajectory("T001", trajectories[1].start, end=date(2026, 5, 1), end_reason="moved")
    claims = [make_claim("M1", "T002", "placement", date(2026, 4, 1), review="pending")]
    result, forecast = _forecast(trajectories, claims)
    cohort = result.cohorts[0]
    assert (cohort.denominator, cohort.awaiting_review) == (3, 1)
    assert forecast.can_deliver == 1  # T003 only
    assert forecast.needed == 2 and forecast.reachable  # ceil(0.35 × 3) = 2 ≤ 1 + 1 awaiting


def test_a_final_cohort_has_no_forecast():
    result, forecast = _forecast(*placed_cohort(10, 2), as_of=date(2028, 6, 30))
    assert result.cohorts[0].final and forecast is None


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), placed=st.integers(0, 40))
def test_needed_is_the_smallest_k_that_reaches_the_norm(n, placed):
    placed = min(placed, n)
    result, forecast = _forecast(*placed_cohort(n, placed))
    k = needed_results(result.cohorts[0])
    assert (placed + k) * 100 >= 35 * n
    assert k == 0 or (placed + k - 1) * 100 < 35 * n
    assert forecast.needed == k


def test_members_that_do_not_add_up_to_the_engines_cohort_are_refused():
    import pytest

    from settlement.forecast import CohortMismatch
    trajectories, claims = placed_cohort(10, 4)
    result = settle(trajectories=trajectories, claims=claims, as_of=AS_OF)
    with pytest.raises(CohortMismatch):
        cohort_members(result, trajectories, claims[:3])  # a claim the engine counted is missing
