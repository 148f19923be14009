"""Sampling statistics against published audit values (AICPA Audit Sampling guide, Arens' textbook example)."""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

from portal.auditing.stats import (MusMisstatement, SamplingError, attribute_sample_size, confidence_factor,
                                   evaluate_mus, mus_sample_size, upper_deviation_rate)


def test_mus_confidence_factor_for_zero_errors_at_95_percent_is_three():
    assert round(confidence_factor(0, 0.95), 1) == 3.0


@pytest.mark.parametrize("confidence, published", [
    (0.95, [3.00, 4.75, 6.30, 7.76, 9.16]),
    (0.90, [2.31, 3.89, 5.33, 6.69, 8.00]),
])
def test_mus_confidence_factors_match_the_published_table(confidence, published):
    # Published tables round the Poisson factors up to two decimals (the conservative side).
    assert [math.ceil(confidence_factor(k, confidence) * 100 - 1e-9) / 100 for k in range(5)] == published


def test_mus_sample_size_of_the_textbook_example():
    # Population € 1.200.000, tolerable € 36.000, no expected misstatement, 95 %: 1.200.000 × 3,0 / 36.000 = 100.
    assert mus_sample_size(Decimal("1200000"), Decimal("36000"), Decimal("0"), 0.95) == 100


def test_mus_sample_size_with_expected_misstatement_matches_the_aicpa_table():
    # Tolerable 5 %, expected 1 % (ratio 0,20), 95 %: 93 in the guide's table.
    assert mus_sample_size(Decimal("100000"), Decimal("5000"), Decimal("1000"), 0.95) == 93


def test_mus_upper_error_limit_of_the_textbook_example():
    # One error of 10 % in an item of € 1.000; interval 12.000: basic precision 3,0 × 12.000, projected 1.200,
    # incremental allowance (4,75 − 3,0 − 1) × 1.200 = 900; with the table's rounded factors 38.100.
    result = evaluate_mus(Decimal("1200000"), 100, [MusMisstatement(Decimal("1000"), Decimal("100"))], 0.95)
    assert result.interval == Decimal("12000.00")
    assert result.projected == Decimal("1200.00")
    assert abs(result.basic_precision - Decimal("36000")) < 60
    assert abs(result.incremental_allowance - Decimal("900")) < 5
    assert abs(result.upper_limit - Decimal("38100")) < 60
    assert result.upper_limit == result.projected + result.basic_precision + result.incremental_allowance


def test_mus_items_larger_than_the_interval_count_as_found_not_projected():
    result = evaluate_mus(Decimal("1200000"), 100, [MusMisstatement(Decimal("20000"), Decimal("500"))], 0.95)
    assert result.projected == Decimal("500.00") and result.incremental_allowance == 0


def test_attribute_sample_sizes_match_the_aicpa_table():
    assert attribute_sample_size(0.05, 0.0, 0.95) == 59        # 59 (0)
    assert attribute_sample_size(0.05, 0.01, 0.95) == 93       # 93 (1)
    assert attribute_sample_size(0.10, 0.0, 0.90) == 22        # 22 (0)


def test_finite_population_needs_a_smaller_sample():
    assert attribute_sample_size(0.05, 0.0, 0.95, population=200) < 59


@pytest.mark.parametrize("deviations, sample, published", [(0, 100, 3.0), (1, 100, 4.7), (2, 100, 6.2),
                                                           (0, 60, 4.9)])
def test_upper_deviation_rate_matches_the_evaluation_table(deviations, sample, published):
    assert round(upper_deviation_rate(deviations, sample, 0.95) * 100, 1) == published


def test_expected_misstatement_at_or_above_tolerable_is_refused():
    with pytest.raises(SamplingError, match="Verwachte afwijking"):
        mus_sample_size(Decimal("1000"), Decimal("50"), Decimal("50"), 0.95)
