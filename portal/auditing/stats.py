"""Audit-sampling statistics from scipy.stats: confidence factors, sample sizes and upper limits.

Monetary unit sampling (MUS) uses the Poisson distribution: the confidence factor for k
errors is the Poisson mean R at which k or fewer errors occur with probability 1 − confidence,
i.e. the gamma(k + 1) quantile. Attribute sampling uses the binomial distribution (and the
hypergeometric one for a finite population) for the upper deviation rate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def _stats():
    # Imported on first use: loading SciPy would add half a second to every start of the app.
    from scipy import stats
    return stats


class SamplingError(ValueError):
    """Parameters with which no sample can be planned; the message names the field, in Dutch."""


def confidence_factor(errors: int, confidence: float) -> float:
    """Return the Poisson upper-limit factor R(k) for `errors` errors at `confidence` (3.0 for 0 at 95 %)."""
    return float(_stats().gamma.ppf(confidence, errors + 1))


def mus_sample_size(book_value: Decimal, tolerable: Decimal, expected: Decimal, confidence: float) -> int:
    """Return the smallest MUS sample whose upper limit stays within the tolerable misstatement if the
    expected misstatement occurs (expected taint n·EM/BV, gamma-based as in the AICPA guide)."""
    if book_value <= 0:
        raise SamplingError("Populatie: er zijn geen bedragen om te steekproeven.")
    if tolerable <= 0:
        raise SamplingError("Toelaatbare afwijking: vul een bedrag groter dan nul in.")
    if expected < 0 or expected >= tolerable:
        raise SamplingError("Verwachte afwijking: moet nul of meer en kleiner dan de toelaatbare afwijking zijn.")
    t, e = float(tolerable / book_value), float(expected / book_value)
    n = max(1, math.ceil(confidence_factor(0, confidence) / t))
    while _stats().gamma.ppf(confidence, 1 + n * e) > n * t:
        n += 1
        if n > 1_000_000:
            raise SamplingError("Verwachte afwijking: te dicht bij de toelaatbare afwijking om te plannen.")
    return n


def attribute_sample_size(tolerable_rate: float, expected_rate: float, confidence: float,
                          population: int | None = None) -> int:
    """Return the smallest sample in which the expected deviations still prove the rate below the tolerable one
    (binomial; hypergeometric when the population size is given)."""
    if not 0 < tolerable_rate < 1:
        raise SamplingError("Toelaatbare afwijking: vul een percentage tussen 0 en 100 in.")
    if expected_rate < 0 or expected_rate >= tolerable_rate:
        raise SamplingError("Verwachte afwijking: moet nul of meer en kleiner dan het toelaatbare percentage zijn.")
    risk = 1 - confidence
    limit = population if population is not None else 100_000
    for n in range(1, limit + 1):
        expected_deviations = math.ceil(n * expected_rate - 1e-9)
        if population is None:
            p = _stats().binom.cdf(expected_deviations, n, tolerable_rate)
        else:
            p = _stats().hypergeom.cdf(expected_deviations, population, math.ceil(tolerable_rate * population), n)
        if p <= risk:
            return n
    if population is not None:
        return population
    raise SamplingError("Toelaatbare afwijking: geen steekproef mogelijk met deze waarden.")


def upper_deviation_rate(deviations: int, sample: int, confidence: float, population: int | None = None) -> float:
    """Return the upper limit of the deviation rate (one-sided): exact binomial, or hypergeometric if the
    population size is given."""
    if sample <= 0:
        return 1.0
    if population is None:
        return 1.0 if deviations >= sample else float(_stats().beta.ppf(confidence, deviations + 1, sample - deviations))
    risk = 1 - confidence
    for bad in range(deviations, population + 1):
        if _stats().hypergeom.cdf(deviations, population, bad, sample) <= risk:
            return bad / population
    return 1.0


@dataclass(frozen=True)
class MusMisstatement:
    book_value: Decimal
    misstated: Decimal


@dataclass(frozen=True)
class MusEvaluation:
    interval: Decimal
    basic_precision: Decimal
    projected: Decimal
    incremental_allowance: Decimal
    upper_limit: Decimal


def cents(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def evaluate_mus(book_value: Decimal, sample_size: int, misstatements: list[MusMisstatement],
                 confidence: float) -> MusEvaluation:
    """Return the projected misstatement and the upper error limit (Stringer bound, AICPA): basic precision
    R(0)·J, each tainting projected over its interval J, ranked taints widened by the factor increments;
    items of at least J are counted as found, not projected."""
    interval = book_value / sample_size
    top = sum((m.misstated for m in misstatements if m.book_value >= interval), Decimal(0))
    taints = sorted((min(m.misstated / m.book_value, Decimal(1)) for m in misstatements
                     if m.book_value < interval and m.misstated > 0), reverse=True)
    projected = top + sum((t * interval for t in taints), Decimal(0))
    basic = Decimal(str(confidence_factor(0, confidence))) * interval
    allowance = Decimal(0)
    for rank, taint in enumerate(taints, start=1):
        step = confidence_factor(rank, confidence) - confidence_factor(rank - 1, confidence)
        allowance += (Decimal(str(step)) - 1) * taint * interval
    return MusEvaluation(cents(interval), cents(basic), cents(projected), cents(allowance),
                         cents(projected + basic + allowance))
