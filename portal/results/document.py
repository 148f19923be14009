"""`flask results --json`: per contract the settlement document's cohorts plus forecast fields."""
from __future__ import annotations

from typing import Any

from settlement.document import cohort_document
from settlement.forecast import CohortForecast
from settlement.money import fmt_amount

from .service import ContractResults, counts_by

FORECAST_KEYS = ("needed", "can_deliver", "reachable", "first_window_closes", "last_window_closes",
                 "days_to_first_window", "days_to_last_window", "days_to_final", "pending_norm",
                 "pay_at_current", "pay_at_norm")


def forecast_document(forecast: CohortForecast | None) -> dict[str, Any]:
    """Render a cohort's forecast fields (all null for a final cohort)."""
    if forecast is None:
        return dict.fromkeys(FORECAST_KEYS)
    return {
        "needed": forecast.needed,
        "can_deliver": forecast.can_deliver,
        "reachable": forecast.reachable,
        "first_window_closes": forecast.first_window_closes and forecast.first_window_closes.isoformat(),
        "last_window_closes": forecast.last_window_closes and forecast.last_window_closes.isoformat(),
        "days_to_first_window": forecast.days_to_first_window,
        "days_to_last_window": forecast.days_to_last_window,
        "days_to_final": forecast.days_to_final,
        "pending_norm": fmt_amount(forecast.pending),
        "pay_at_current": fmt_amount(forecast.pay_at_current),
        "pay_at_norm": fmt_amount(forecast.pay_at_norm),
    }


def results_document(results: ContractResults) -> dict[str, Any]:
    """Render one contract's results."""
    contract = results.contract
    return {
        "code": contract.code,
        "provider": contract.provider.code,
        "segment": contract.segment,
        "as_of": results.as_of.isoformat(),
        "cohorts": [cohort_document(c) | forecast_document(f) for c, f in results.cohort_pairs()],
        "target_groups": {group: counts.as_dict() for group, counts in counts_by(results).items()},
        "benefits": {benefit: counts.as_dict() for benefit, counts in counts_by(results, "benefit").items()},
    }
