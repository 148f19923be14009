"""Load what the settlement engine needs for one contract, with a few set-based queries.

The portal feeds the engine frozen facts (settlement.model) and persists what it returns;
the rules themselves live only in the `settlement` package.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from .. import models as m


@dataclass(frozen=True)
class ContractFacts:
    contract: settlement.Contract
    trajectories: list[settlement.Trajectory]
    milestones: list[settlement.Milestone]


def contract_terms(contract: m.Contract, cap_codes: dict[int, str]) -> settlement.Contract:
    """Translate a contract row (with its children loaded) into the engine's Contract."""
    norm = None
    if contract.norm_milestone is not None:
        norm = settlement.Norm(
            milestone=contract.norm_milestone, rate=contract.norm_rate,
            measurement_months=contract.norm_measurement_months, window_months=contract.norm_window_months,
            staffel=tuple(settlement.StaffelStep(min_ratio=s.min_ratio, pay=s.pay) for s in contract.staffel),
            excluded_end_reasons=tuple(e.end_reason for e in contract.excluded_end_reasons))
    caps = {cap_codes[c.municipality_id]: c.cap for c in contract.municipality_caps}
    return settlement.Contract(
        code=contract.code, provider=contract.provider.code, segment=contract.segment, start=contract.start,
        end=contract.end, price=contract.price, vat_rate=contract.vat_rate,
        tranches=tuple(settlement.Tranche(code=t.code, milestone=t.milestone_type, result=t.result, share=t.share,
                                          amount=t.amount) for t in contract.tranches),
        norm=norm, max_trajectories=contract.max_trajectories,
        municipality_caps=MappingProxyType(caps) if caps else None,
        submission_deadline_days=contract.submission_deadline_days,
        funding=tuple(settlement.FundingShare(source=f.source, share=f.share) for f in contract.funding))


def load_contract(session: Session, code: str) -> m.Contract | None:
    """Load a contract with every child the engine needs, in two round trips."""
    # The short lists (a few rows each) come joined to the contract in one query; their product
    # stays in the tens of rows. The caps, one per municipality, get a query of their own.
    return session.scalars(
        select(m.Contract).where(m.Contract.code == code).options(
            joinedload(m.Contract.provider), joinedload(m.Contract.tranches), joinedload(m.Contract.staffel),
            joinedload(m.Contract.excluded_end_reasons), joinedload(m.Contract.funding),
            selectinload(m.Contract.municipality_caps).joinedload(m.MunicipalityCap.municipality))).unique().first()


def terms_as_recorded(contract: m.Contract, at: datetime | None) -> settlement.Contract:
    """Return the contract's terms as recorded at a moment (None: as they stand now).

    The one seam for versioned contract terms: at a moment, the approved version in force then
    (portal.contracts.terms); now, the contract row itself (which an approved amendment updates).
    """
    if at is not None:
        from ..contracts.terms import recorded_contract_terms  # contracts builds on this module
        return recorded_contract_terms(contract, at)
    cap_codes = {c.municipality_id: c.municipality.cbs_code for c in contract.municipality_caps}
    return contract_terms(contract, cap_codes)


def load_facts(session: Session, contract: m.Contract, recorded_at: datetime | None = None) -> ContractFacts:
    """Return the contract's terms, started trajectories and claims (with their review histories) as engine facts.

    `recorded_at` rebuilds the facts as they were recorded at that moment (for replaying an issued run):
    every versioned field takes its last version recorded by then, and only decisions recorded by then count.
    """
    client = aliased(m.Client)
    # Plain column rows through the connection: no ORM result handling for thousands of rows.
    connection = session.connection()
    trajectory_rows = connection.execute(
        select(m.Trajectory.id, m.Trajectory.ref, m.Trajectory.municipality_id, m.Trajectory.start,
               m.Trajectory.end, m.Trajectory.end_reason, client.ref, m.Municipality.cbs_code)
        .join(m.Municipality, m.Municipality.id == m.Trajectory.municipality_id)
        .outerjoin(client, client.id == m.Trajectory.client_id)
        .where(m.Trajectory.contract_id == contract.id, m.Trajectory.start.is_not(None))).all()
    claim_rows = connection.execute(
        select(m.MilestoneClaim.id, m.MilestoneClaim.ref, m.Trajectory.ref, m.MilestoneClaim.type,
               m.MilestoneClaim.date, m.MilestoneClaim.submitted, m.MilestoneClaim.review, m.MilestoneClaim.reviewed)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .where(m.Trajectory.contract_id == contract.id, m.Trajectory.start.is_not(None))).all()
    decisions = _review_histories(connection, contract, recorded_at)
    # `_make` takes every field positionally, in declaration order: the bulk constructor of the engine's facts.
    make_trajectory = settlement.Trajectory._make
    if recorded_at is None:
        trajectories = [make_trajectory(ref, contract.code, cbs_code, start, client_ref, end, end_reason)
                        for _id, ref, _municipality, start, end, end_reason, client_ref, cbs_code in trajectory_rows]
    else:  # a versioned municipality is an id, so the codes of all of them are needed
        trajectory_rows, claim_rows = _as_recorded(connection, contract, [row[:7] for row in trajectory_rows],
                                                   claim_rows, recorded_at)
        cbs = dict(connection.execute(select(m.Municipality.id, m.Municipality.cbs_code)).all())
        trajectories = [make_trajectory(ref, contract.code, cbs[municipality_id], start, client_ref, end, end_reason)
                        for _id, ref, municipality_id, start, end, end_reason, client_ref in trajectory_rows]
    milestones = [_milestone(claim_id, ref, trajectory, type_, happened, submitted, review, reviewed, decisions)
                  for claim_id, ref, trajectory, type_, happened, submitted, review, reviewed in claim_rows]
    return ContractFacts(terms_as_recorded(contract, recorded_at), trajectories, milestones)


def _milestone(claim_id, ref, trajectory, type_, happened, submitted, review, reviewed, decisions):
    history = decisions.get(claim_id)
    if history is None:
        # A claim decided before decisions were kept as history (or never decided): its pair is the whole story.
        decided = review != "pending" and reviewed is not None
        history = ((review, reviewed),) if decided else ()
    # `_make`: the engine's bulk constructor, every field positionally in declaration order.
    return settlement.Milestone._make(ref, trajectory, type_, happened, submitted,
                                      tuple(settlement.ReviewDecision(d, on) for d, on in history))


def _review_histories(connection, contract: m.Contract, recorded_at: datetime | None) -> dict[int, tuple]:
    """Return claim id -> its decisions (decision, business date) in the order taken, as recorded at a moment."""
    rows = connection.execute(
        select(m.Review.claim_id, m.Review.decision, m.Review.decided_on, m.Review.decided_at)
        .join(m.MilestoneClaim, m.MilestoneClaim.id == m.Review.claim_id)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .where(m.Trajectory.contract_id == contract.id)
        .order_by(m.Review.claim_id, m.Review.id)).all()
    histories: dict[int, list] = {}
    for claim_id, decision, decided_on, decided_at in rows:
        history = histories.setdefault(claim_id, [])  # a claim with decisions, none recorded yet, is pending
        if recorded_at is None or decided_at <= recorded_at:
            history.append((decision, decided_on))
    return {claim_id: tuple(history) for claim_id, history in histories.items()}


def _as_recorded(connection, contract: m.Contract, trajectory_rows, claim_rows, recorded_at: datetime):
    """Replace each versioned field by its value as recorded at a moment; drop what did not exist yet."""
    trajectory_versions = _versions(connection, m.FactVersion.trajectory_id, m.Trajectory.id == m.FactVersion.trajectory_id,
                                    contract, recorded_at)
    claim_versions = _versions(connection, m.FactVersion.claim_id,
                               m.MilestoneClaim.id == m.FactVersion.claim_id, contract, recorded_at, claims=True)
    trajectories = []
    for id_, ref, municipality_id, start, end, end_reason, client_ref in trajectory_rows:
        known = trajectory_versions.get(id_, {})
        start = _value(known, "start", start, date.fromisoformat)
        if start is None:
            continue
        trajectories.append((id_, ref, _value(known, "municipality", municipality_id, int), start,
                             _value(known, "end", end, date.fromisoformat), _value(known, "end_reason", end_reason, str),
                             client_ref))
    started = {row[1] for row in trajectories}
    claims = []
    for id_, ref, trajectory, type_, happened, submitted, review, reviewed in claim_rows:
        known = claim_versions.get(id_, {})
        happened = _value(known, "date", happened, date.fromisoformat)
        if happened is None or trajectory not in started:
            continue
        claims.append((id_, ref, trajectory, type_, happened, _value(known, "submitted", submitted, date.fromisoformat),
                       review, reviewed))
    return trajectories, claims


def _versions(connection, subject_column, join_on, contract, recorded_at, claims=False) -> dict[int, dict]:
    """Return subject id -> field -> its value as recorded at the moment (before its first version: the value
    that version replaced)."""
    query = select(subject_column, m.FactVersion.field, m.FactVersion.value, m.FactVersion.previous_value,
                   m.FactVersion.recorded_at).select_from(m.FactVersion)
    if claims:
        query = (query.join(m.MilestoneClaim, join_on)
                 .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id))
    else:
        query = query.join(m.Trajectory, join_on)
    rows = connection.execute(query.where(m.Trajectory.contract_id == contract.id)
                              .order_by(subject_column, m.FactVersion.field, m.FactVersion.recorded_at,
                                        m.FactVersion.id)).all()
    known: dict[int, dict] = {}
    for subject, field, value, previous, at in rows:
        fields = known.setdefault(subject, {})
        if field not in fields:
            # Before its first version the field held the value that version replaced.
            fields[field] = previous
        if at <= recorded_at:
            fields[field] = value
    return known


def _value(known: dict, field: str, current, parse):
    """The field's value as recorded (its versions), or the current value where it has no versions."""
    if field not in known:
        return current
    text = known[field]
    return None if text is None else parse(text)
