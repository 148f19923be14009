"""Assurance sampling: the population, the sample size, a reproducible draw, findings and the evaluation.

Services take explicit arguments, flush and never commit. The draw depends only on the
population (ordered by id) and the stored seed, so the same seed and population give the
same sample on any machine (Python's Mersenne Twister is specified and portable).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..models import (AuditSample, AuditSampleItem, Contract, MilestoneClaim, SettlementLine, SettlementRun,
                      Tranche, Trajectory, User)
from .stats import (MusMisstatement, SamplingError, attribute_sample_size, cents, evaluate_mus, mus_sample_size,
                    upper_deviation_rate)

CONFIDENCE_LEVELS = (Decimal("90"), Decimal("95"), Decimal("99"))
POPULATION_LABELS = {"paid_lines": "Betaalde regels (bedragen)",
                     "approved_claims": "Goedgekeurde declaraties (nominale waarde)"}
METHOD_LABELS = {"mus": "Monetary unit sampling (bedragen)", "attribute": "Attribute sampling (percentages)"}
FINDING_LABELS = {"correct": "Juist", "error": "Fout", "not_verifiable": "Niet controleerbaar"}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PopulationItem:
    id: int                        # settlement line id or claim id
    claim_id: int | None
    label: str
    book_value: Decimal


@dataclass(frozen=True)
class SampleRequest:
    contract_id: int | None
    segment: str | None
    period_start: date
    period_end: date
    population: str
    method: str
    confidence: Decimal            # percent: 90, 95, 99
    tolerable: Decimal             # MUS: euros; attribute: percent
    expected: Decimal              # idem
    seed: str | None = None
    consortium_id: int | None = None  # the population stays within this consortium's contracts


def load_population(session: Session, request: SampleRequest) -> list[PopulationItem]:
    """Return the population in a fixed order (by id): what issued runs paid per line (delta > 0, peildatum in
    the period), or the claims approved in the period at their nominal value."""
    if request.population == "paid_lines":
        query = (select(SettlementLine.id, SettlementLine.claim_id, SettlementLine.milestone_ref,
                        SettlementLine.tranche_code, SettlementLine.trajectory_ref, SettlementLine.delta)
                 .join(SettlementRun, SettlementRun.id == SettlementLine.run_id)
                 .join(Contract, Contract.id == SettlementRun.contract_id)
                 .where(SettlementRun.status == "issued", SettlementLine.delta > 0,
                        SettlementRun.as_of >= request.period_start, SettlementRun.as_of <= request.period_end))
        query = _scoped(query, request)
        return [PopulationItem(r.id, r.claim_id, f"{r.trajectory_ref} · {r.milestone_ref} · {r.tranche_code}",
                               r.delta) for r in session.execute(query.order_by(SettlementLine.id))]
    query = (select(MilestoneClaim.id, MilestoneClaim.ref, MilestoneClaim.type, Trajectory.ref.label("trajectory_ref"),
                    Contract.price, Tranche.share, Tranche.amount)
             .join(Trajectory, Trajectory.id == MilestoneClaim.trajectory_id)
             .join(Contract, Contract.id == Trajectory.contract_id)
             .outerjoin(Tranche, (Tranche.contract_id == Contract.id) & (Tranche.milestone_type == MilestoneClaim.type))
             .where(MilestoneClaim.review == "approved", MilestoneClaim.reviewed >= request.period_start,
                    MilestoneClaim.reviewed <= request.period_end))
    query = _scoped(query, request)
    return [PopulationItem(r.id, r.id, f"{r.trajectory_ref} · {r.ref} ({r.type})", nominal_value(r.price, r.share,
                                                                                                  r.amount))
            for r in session.execute(query.order_by(MilestoneClaim.id))]


def nominal_value(price: Decimal, share: Decimal | None, amount: Decimal | None) -> Decimal:
    """Return what an approved claim is worth under its contract: the tranche's amount, or its share of the price
    (before any staffel or norm: the value at stake, not what a run paid)."""
    if amount is not None:
        return amount
    if share is None:
        return ZERO
    return cents(price * share / 100)


def _scoped(query, request: SampleRequest):
    if request.consortium_id is not None:  # the auditor's consortium (portal.access.consortium_of)
        query = query.where(Contract.consortium_id == request.consortium_id)
    if request.contract_id is not None:
        return query.where(Contract.id == request.contract_id)
    return query.where(Contract.segment == request.segment)


def plan_size(request: SampleRequest, population: list[PopulationItem]) -> int:
    """Return the sample size for this request and population."""
    confidence = float(request.confidence) / 100
    if request.method == "mus":
        book_value = sum((i.book_value for i in population), ZERO)
        return mus_sample_size(book_value, request.tolerable, request.expected, confidence)
    if request.tolerable >= 100:
        raise SamplingError("Toelaatbare afwijking: vul een percentage kleiner dan 100 in.")
    return attribute_sample_size(float(request.tolerable) / 100, float(request.expected) / 100, confidence,
                                 population=len(population))


def draw(population: list[PopulationItem], method: str, size: int, seed: str) -> list[PopulationItem]:
    """Draw the sample: MUS selects every J-th euro from a seeded random start (items of J or more can be hit
    more than once and are listed once); attribute sampling draws `size` items at random without replacement."""
    rng = random.Random(int(seed, 16))
    if method == "attribute":
        chosen = sorted(rng.sample(range(len(population)), min(size, len(population))))
        return [population[i] for i in chosen]
    total = sum(int(i.book_value * 100) for i in population)
    interval = Fraction(total, size)
    point = Fraction(rng.randrange(1_000_000), 1_000_000) * interval
    selected, cumulative, index = [], 0, 0
    for item in population:
        cumulative += int(item.book_value * 100)
        hit = False
        while index < size and point < cumulative:
            hit = True
            index += 1
            point += interval
        if hit:
            selected.append(item)
    return selected


def create_sample(session: Session, actor: User, request: SampleRequest) -> AuditSample:
    """Plan and draw a sample, store it with its seed and items, and record it in the audit trail."""
    if request.contract_id is None and not request.segment:
        raise SamplingError("Contract: kies een contract of een segment.")
    if request.period_start > request.period_end:
        raise SamplingError("Periode: de begindatum ligt na de einddatum.")
    population = load_population(session, request)
    if not population:
        raise SamplingError("Populatie: er is niets in deze periode voor dit contract of segment.")
    size = plan_size(request, population)
    seed = request.seed or secrets.token_hex(8)
    if len(seed) > 40 or any(c not in "0123456789abcdef" for c in seed):
        raise SamplingError("Startwaarde: gebruik alleen de cijfers 0-9 en de letters a-f (hoogstens 40 tekens).")
    sample = AuditSample(contract_id=request.contract_id, segment=None if request.contract_id else request.segment,
                         period_start=request.period_start, period_end=request.period_end,
                         population=request.population, method=request.method, confidence=request.confidence,
                         tolerable=request.tolerable, expected=request.expected,
                         population_count=len(population),
                         population_value=sum((i.book_value for i in population), ZERO),
                         sample_size=size, seed=seed, created_by_id=actor.id, created_at=clock.now())
    is_line = request.population == "paid_lines"
    sample.items = [AuditSampleItem(position=n, settlement_line_id=item.id if is_line else None,
                                    claim_id=item.claim_id, label=item.label[:120], book_value=item.book_value)
                    for n, item in enumerate(draw(population, request.method, size, seed), start=1)]
    session.add(sample)
    session.flush()
    record(session, actor, "audit_sample.drawn", "audit_sample", sample.id, after={
        **snapshot(sample, "contract_id", "segment", "period_start", "period_end", "population", "method",
                   "confidence", "tolerable", "expected", "population_count", "population_value", "sample_size",
                   "seed"),
        "items": [i.settlement_line_id or i.claim_id for i in sample.items]})
    return sample


FINDING_FIELDS = ("finding", "misstated", "note")


def record_finding(session: Session, actor: User, item: AuditSampleItem, finding: str,
                   misstated: Decimal | None, note: str | None) -> AuditSampleItem:
    """Record the auditor's finding on one item: correct, an error with the misstated amount, or not verifiable."""
    if finding not in FINDING_LABELS:
        raise SamplingError("Bevinding: kies juist, fout of niet controleerbaar.")
    if item.revocation_review_id is not None or item.handed_over_at is not None:
        raise SamplingError("Bevinding: deze bevinding is al overgedragen aan een beoordelaar en ligt vast.")
    if finding == "error":
        if misstated is None or misstated <= 0:
            raise SamplingError("Afwijking: vul het bedrag in dat ten onrechte is betaald (groter dan nul).")
        if item.book_value > 0 and misstated > item.book_value:
            raise SamplingError("Afwijking: het bedrag kan niet groter zijn dan het geboekte bedrag van deze post.")
    else:
        misstated = None
    note = (note or "").strip() or None
    if finding != "correct" and note is None:
        raise SamplingError("Toelichting: leg uit wat u heeft gevonden.")
    before = snapshot(item, *FINDING_FIELDS)
    item.finding, item.misstated, item.note = finding, cents(misstated) if misstated is not None else None, note
    item.recorded_by_id, item.recorded_at = actor.id, clock.now()
    session.flush()
    record(session, actor, "audit_finding.recorded", "audit_sample_item", item.id, before=before,
           after=snapshot(item, *FINDING_FIELDS))
    return item


def hand_over(session: Session, actor: User, item: AuditSampleItem) -> AuditSampleItem:
    """Hand a finding to the contract managers as a proposed revocation of the claim's approval."""
    if item.finding not in ("error", "not_verifiable"):
        raise SamplingError("Overdragen: alleen een fout of een niet controleerbare post gaat naar een beoordelaar.")
    if item.claim_id is None:
        raise SamplingError("Overdragen: deze post hoort niet bij een declaratie.")
    if item.handed_over_at is not None:
        raise SamplingError("Overdragen: deze bevinding is al overgedragen.")
    claim = session.get(MilestoneClaim, item.claim_id)
    if claim is None or claim.review != "approved":
        raise SamplingError("Overdragen: de declaratie is niet (meer) goedgekeurd; er valt niets in te trekken.")
    item.handed_over_at = clock.now()
    session.flush()
    record(session, actor, "audit_finding.handed_over", "audit_sample_item", item.id,
           after={"claim_id": item.claim_id, "finding": item.finding, "misstated": item.misstated})
    return item


def link_revocation(session: Session, claim_id: int, review_id: int, actor: User) -> None:
    """Link a revocation to the findings that were handed over for this claim (called by the revoke flow)."""
    items = session.scalars(select(AuditSampleItem).where(AuditSampleItem.claim_id == claim_id,
                                                          AuditSampleItem.handed_over_at.is_not(None),
                                                          AuditSampleItem.revocation_review_id.is_(None))).all()
    for item in items[:1]:  # one review row can close one finding (unique link); later samples see it revoked
        item.revocation_review_id = review_id
        session.flush()
        record(session, actor, "audit_finding.revoked", "audit_sample_item", item.id,
               after={"review_id": review_id, "claim_id": claim_id})


@dataclass(frozen=True)
class Evaluation:
    examined: int
    correct: int
    errors: int
    not_verifiable: int
    open: int
    projected: Decimal | None          # euros
    upper_limit: Decimal | None        # euros
    projected_pct: Decimal
    upper_pct: Decimal
    tolerable_eur: Decimal | None
    acceptable: bool | None            # None while items are still open
    details: dict


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.01")) if whole > 0 else Decimal("0.00")


def evaluate(sample: AuditSample) -> Evaluation:
    """Project the findings onto the population: the projected misstatement and the upper error limit at the
    sample's confidence, in euros and as a percentage, and the conclusion against the tolerable misstatement.
    A post that cannot be verified counts as entirely wrong (100 % taint)."""
    items = sample.items
    count = {k: sum(1 for i in items if i.finding == k) for k in FINDING_LABELS}
    still_open = sum(1 for i in items if i.finding is None)
    confidence = float(sample.confidence) / 100
    value = sample.population_value
    if sample.method == "mus":
        found = [MusMisstatement(i.book_value, i.misstated if i.finding == "error" else i.book_value)
                 for i in items if i.finding in ("error", "not_verifiable")]
        result = evaluate_mus(value, sample.sample_size, found, confidence)
        projected, upper, tolerable = result.projected, result.upper_limit, sample.tolerable
        details = {"interval": result.interval, "basic_precision": result.basic_precision,
                   "incremental_allowance": result.incremental_allowance}
    else:
        deviations = count["error"] + count["not_verifiable"]
        examined = len(items)
        rate = Decimal(deviations) / examined if examined else Decimal(0)
        upper_rate = Decimal(str(upper_deviation_rate(deviations, examined, confidence, sample.population_count)))
        projected, upper = (cents(rate * value), cents(upper_rate * value)) if value > 0 else (None, None)
        tolerable = cents(sample.tolerable / 100 * value) if value > 0 else None
        details = {"rate": (rate * 100).quantize(Decimal("0.01")),
                   "upper_rate": (upper_rate * 100).quantize(Decimal("0.01")), "deviations": deviations}
    if sample.method == "mus" or value > 0:
        projected_pct, upper_pct = _pct(projected, value), _pct(upper, value)
    else:
        projected_pct, upper_pct = details["rate"], details["upper_rate"]
    if still_open:
        acceptable = None
    elif sample.method == "mus":
        acceptable = upper <= sample.tolerable
    else:
        acceptable = details["upper_rate"] <= sample.tolerable
    return Evaluation(len(items) - still_open, count["correct"], count["error"], count["not_verifiable"], still_open,
                      projected, upper, projected_pct, upper_pct, tolerable, acceptable, details)
