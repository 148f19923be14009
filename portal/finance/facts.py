"""Load what the settlement engine needs for one contract, with a few set-based queries.

The portal feeds the engine frozen facts (settlement.model) and persists what it returns;
the rules themselves live only in the `settlement` package.
"""
from __future__ import annotations

from dataclasses import dataclass
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
    """Load a contract with every child the engine needs (one query per child table)."""
    return session.scalar(
        select(m.Contract).where(m.Contract.code == code).options(
            joinedload(m.Contract.provider), selectinload(m.Contract.tranches), selectinload(m.Contract.staffel),
            selectinload(m.Contract.excluded_end_reasons), selectinload(m.Contract.funding),
            selectinload(m.Contract.municipality_caps).joinedload(m.MunicipalityCap.municipality)))


def load_facts(session: Session, contract: m.Contract) -> ContractFacts:
    """Return the contract's terms, started trajectories and claims as engine facts."""
    cap_codes = {c.municipality_id: c.municipality.cbs_code for c in contract.municipality_caps}
    client = aliased(m.Client)
    # Plain column rows through the connection: no ORM result handling for thousands of rows.
    connection = session.connection()
    trajectory_rows = connection.execute(
        select(m.Trajectory.ref, m.Municipality.cbs_code, m.Trajectory.start, m.Trajectory.end,
               m.Trajectory.end_reason, client.ref)
        .join(m.Municipality, m.Municipality.id == m.Trajectory.municipality_id)
        .outerjoin(client, client.id == m.Trajectory.client_id)
        .where(m.Trajectory.contract_id == contract.id, m.Trajectory.start.is_not(None))).all()
    # `_make` takes every field positionally, in declaration order: the bulk constructor of the engine's facts.
    make_trajectory = settlement.Trajectory._make
    trajectories = [make_trajectory(ref, contract.code, cbs, start, client_ref, end, end_reason)
                    for ref, cbs, start, end, end_reason, client_ref in trajectory_rows]
    claim_rows = connection.execute(
        select(m.MilestoneClaim.ref, m.Trajectory.ref, m.MilestoneClaim.type, m.MilestoneClaim.date,
               m.MilestoneClaim.submitted, m.MilestoneClaim.review, m.MilestoneClaim.reviewed)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .where(m.Trajectory.contract_id == contract.id, m.Trajectory.start.is_not(None))).all()
    make_milestone = settlement.Milestone._make
    # The claim row keeps only the current decision: it becomes a one-decision history.
    history = settlement.one_decision
    milestones = [make_milestone(ref, trajectory, kind, day, submitted, history(review, reviewed))
                  for ref, trajectory, kind, day, submitted, review, reviewed in claim_rows]
    return ContractFacts(contract_terms(contract, cap_codes), trajectories, milestones)
