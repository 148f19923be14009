"""A corrected fact is a new version: the row's cache changes, the version records who, when and why."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..audit import record, snapshot
from ..models.history import CLAIM_FIELDS, TRAJECTORY_FIELDS, as_text


def correct_fact(session: Session, actor: m.User, subject: m.Trajectory | m.MilestoneClaim, field: str, value, *,
                 note: str, objection: m.Objection | None = None) -> m.FactVersion:
    """Record a corrected value of a versioned field of a trajectory or claim (flushes, audited, never commits)."""
    is_trajectory = isinstance(subject, m.Trajectory)
    attribute = (TRAJECTORY_FIELDS if is_trajectory else CLAIM_FIELDS)[field]
    old = getattr(subject, attribute)
    fields = list((TRAJECTORY_FIELDS if is_trajectory else CLAIM_FIELDS).values())
    before = snapshot(subject, *fields)
    version = m.FactVersion(field=field, value=as_text(value), previous_value=as_text(old), recorded_at=clock.now(),
                            recorded_by_id=actor.id, source="correction", note=note,
                            objection_id=objection.id if objection is not None else None)
    if is_trajectory:
        version.trajectory = subject
    else:
        version.claim = subject
    session.add(version)
    setattr(subject, attribute, value)
    session.flush()
    record(session, actor, f"{'trajectory' if is_trajectory else 'claim'}.corrected",
           "trajectory" if is_trajectory else "milestone_claim", subject.id, before=before,
           after={**snapshot(subject, *fields), "fact_version_id": version.id,
                  "objection_id": objection.id if objection is not None else None, "note": note})
    return version


def corrections_since(session: Session, contract_ids: list[int], since: dict[int, object]) -> dict[int, list]:
    """Return contract id -> corrections (fact versions and review decisions from objections) recorded since
    the contract's last issued run (`since`: contract id -> moment, absent: ever)."""
    if not contract_ids:
        return {}
    found: dict[int, list] = {cid: [] for cid in contract_ids}
    trajectory_versions = session.execute(
        select(m.Trajectory.contract_id, m.Trajectory.ref, m.FactVersion, m.User.name)
        .join(m.Trajectory, m.Trajectory.id == m.FactVersion.trajectory_id)
        .outerjoin(m.User, m.User.id == m.FactVersion.recorded_by_id)
        .where(m.FactVersion.source == "correction", m.Trajectory.contract_id.in_(contract_ids))).all()
    claim_versions = session.execute(
        select(m.Trajectory.contract_id, m.MilestoneClaim.ref, m.FactVersion, m.User.name)
        .join(m.MilestoneClaim, m.MilestoneClaim.id == m.FactVersion.claim_id)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .outerjoin(m.User, m.User.id == m.FactVersion.recorded_by_id)
        .where(m.FactVersion.source == "correction", m.Trajectory.contract_id.in_(contract_ids))).all()
    for contract_id, ref, version, name in [*trajectory_versions, *claim_versions]:
        if contract_id in since and version.recorded_at <= since[contract_id]:
            continue
        found[contract_id].append({"ref": ref, "field": version.field, "old": version.previous_value,
                                   "new": version.value, "at": version.recorded_at, "by": name,
                                   "note": version.note, "objection_id": version.objection_id})
    decisions = session.execute(
        select(m.Trajectory.contract_id, m.MilestoneClaim.ref, m.Review, m.User.name)
        .join(m.MilestoneClaim, m.MilestoneClaim.id == m.Review.claim_id)
        .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
        .outerjoin(m.User, m.User.id == m.Review.reviewer_id)
        .where(m.Review.objection_id.is_not(None), m.Trajectory.contract_id.in_(contract_ids))).all()
    for contract_id, ref, review, name in decisions:
        if contract_id in since and review.decided_at <= since[contract_id]:
            continue
        found[contract_id].append({"ref": ref, "field": "review", "old": None, "new": review.decision,
                                   "at": review.decided_at, "by": name, "note": review.reason_text,
                                   "objection_id": review.objection_id})
    for items in found.values():
        items.sort(key=lambda item: item["at"])
    return found


def corrections_count(session: Session, contracts: Select | None = None) -> int:
    """How many corrections were recorded since each contract's last issued run, over the contracts (ids) given."""
    contract_ids = list(session.scalars(contracts if contracts is not None else select(m.Contract.id)))
    last = dict(session.execute(select(m.SettlementRun.contract_id, func.max(m.SettlementRun.approved_at))
                                .where(m.SettlementRun.status == "issued").group_by(m.SettlementRun.contract_id)).all())
    return sum(len(items) for items in corrections_since(session, contract_ids, last).values())
