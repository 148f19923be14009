"""Social-activation results on a trajectory: volunteering, mantelzorg, beschut werk, dagbesteding, training, language."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..formatting import label, nl_date
from ..models import ActivationResult, Trajectory, User
from ..models.client_enums import ACTIVATION_KINDS
from .errors import FactRefused

RECORDABLE_STATES = ("accepted", "active", "ended")


def record_result(session: Session, actor: User, trajectory: Trajectory, *, kind: str | None, start: date | None,
                  end: date | None = None, note: str | None = None, today: date | None = None) -> ActivationResult:
    """Record a social-activation result (the bureau of the trajectory)."""
    today = today or clock.today()
    if not (actor.has_role("provider") and actor.provider_id == trajectory.provider_id):
        raise FactRefused("Alleen het re-integratiebedrijf van dit traject legt een activeringsresultaat vast.")
    if trajectory.status not in RECORDABLE_STATES:
        raise FactRefused(f"Dit traject is {label(trajectory.status).lower()}: er kan geen resultaat worden "
                          "vastgelegd.", "kind")
    if kind not in ACTIVATION_KINDS:
        raise FactRefused("Soort resultaat: kies uit de lijst.", "kind")
    if start is None:
        raise FactRefused("Startdatum: vul een datum in.", "start")
    if start > today:
        raise FactRefused(f"Startdatum: {nl_date(start)} ligt in de toekomst.", "start")
    if trajectory.start is not None and start < trajectory.start:
        raise FactRefused(f"Startdatum: ligt vóór de start van het traject ({nl_date(trajectory.start)}).", "start")
    if end is not None and end < start:
        raise FactRefused("Einddatum: ligt vóór de startdatum.", "end")
    if end is not None and end > today:
        raise FactRefused(f"Einddatum: {nl_date(end)} ligt in de toekomst.", "end")
    result = ActivationResult(trajectory_id=trajectory.id, kind=kind, start=start, end=end,
                              note=(note or "").strip() or None, recorded_at=clock.now(), recorded_by_id=actor.id)
    session.add(result)
    session.flush()
    record(session, actor, "activation.recorded", "activation_result", result.id,
           after=snapshot(result, "trajectory_id", "kind", "start", "end", "note"))
    return result


def results_of(session: Session, trajectory_id: int) -> list[ActivationResult]:
    return list(session.scalars(select(ActivationResult).where(ActivationResult.trajectory_id == trajectory_id)
                                .order_by(ActivationResult.start, ActivationResult.id)))


def count_results(session: Session, trajectory_ids: Iterable[int], on: date | None = None) -> dict[int, int]:
    """Return the number of social-activation results per trajectory (started on or before a date), one query."""
    ids = list(trajectory_ids)
    query = (select(ActivationResult.trajectory_id, func.count()).where(ActivationResult.trajectory_id.in_(ids))
             .group_by(ActivationResult.trajectory_id))
    if on is not None:
        query = query.where(ActivationResult.start <= on)
    counts = dict(session.execute(query).all())
    return {i: counts.get(i, 0) for i in ids}
