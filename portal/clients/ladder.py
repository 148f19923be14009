"""The participatieladder: the bureau proposes a measurement, the klantmanager confirms it.

A measurement the klantmanager records (at referral, say) is confirmed at once. A
participation_step claim rests on two confirmed measurements: the one at intake and a
higher one; a climb over several rungs is one result.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import clock
from ..audit import record, snapshot
from ..formatting import label, nl_date
from ..models import Client, LadderMeasurement, ParticipationStep, Trajectory, User
from ..models.client_enums import LADDER_RUNGS, LADDER_SEGMENTS
from .errors import FactRefused
from .labels import fact_label

MEASURABLE_STATES = ("referred", "accepted", "active")
# (status, action) -> new status
TRANSITIONS = {("proposed", "confirm"): "confirmed", ("proposed", "reject"): "rejected"}
FIELDS = ("trajectory_id", "rung", "measured_on", "at_intake", "status", "proposed_by_id", "decided_by_id")
WHAT_COUNTS = ("Een trede op de participatieladder telt als één resultaat per traject: een stijging over meerdere "
               "treden is één resultaat, geen dubbele declaratie. Declareer als een bevestigde meting hoger is "
               "dan de meting bij intake.")


def _is_klantmanager(actor: User, trajectory: Trajectory) -> bool:
    return actor.has_role("klantmanager") and actor.municipality_id == trajectory.municipality_id


def _is_bureau(actor: User, trajectory: Trajectory) -> bool:
    return actor.has_role("provider") and actor.provider_id == trajectory.provider_id


def check_rung(rung) -> int:
    try:
        rung = int(rung)
    except (TypeError, ValueError):
        raise FactRefused("Trede: kies een trede van 1 tot en met 6.", "rung") from None
    if rung not in LADDER_RUNGS:
        raise FactRefused("Trede: kies een trede van 1 tot en met 6.", "rung")
    return rung


def proposed_measurements():
    """Return a subquery of the trajectory ids with a measurement waiting for the klantmanager."""
    return select(LadderMeasurement.trajectory_id).where(LadderMeasurement.status == "proposed")


def intake_measurement(session: Session, trajectory_id: int) -> LadderMeasurement | None:
    return session.scalar(select(LadderMeasurement).where(LadderMeasurement.trajectory_id == trajectory_id,
                                                          LadderMeasurement.at_intake,
                                                          LadderMeasurement.status == "confirmed"))


def measurements(session: Session, trajectory_id: int) -> list[LadderMeasurement]:
    return list(session.scalars(select(LadderMeasurement).where(LadderMeasurement.trajectory_id == trajectory_id)
                                .order_by(LadderMeasurement.measured_on, LadderMeasurement.id)))


def record_measurement(session: Session, actor: User, trajectory: Trajectory, *, rung, measured_on: date | None,
                       at_intake: bool = False, note: str | None = None, client: Client | None = None,
                       today: date | None = None) -> LadderMeasurement:
    """Record a ladder measurement: proposed by the bureau, confirmed at once when the klantmanager records it."""
    today = today or clock.today()
    klantmanager = _is_klantmanager(actor, trajectory)
    if not (klantmanager or _is_bureau(actor, trajectory)):
        raise FactRefused("Alleen het re-integratiebedrijf of de klantmanager van dit traject meet de trede.")
    if trajectory.status not in MEASURABLE_STATES:
        raise FactRefused(f"Dit traject is {label(trajectory.status).lower()}: er kan geen meting op de "
                          "participatieladder meer worden vastgelegd.")
    rung = check_rung(rung)
    if measured_on is None:
        raise FactRefused("Datum meting: vul een datum in.", "measured_on")
    if measured_on > today:
        raise FactRefused(f"Datum meting: {nl_date(measured_on)} ligt in de toekomst.", "measured_on")
    client = client or trajectory.client
    if client is not None and client.birth_date is not None and measured_on < client.birth_date:
        raise FactRefused("Datum meting: de datum ligt vóór de geboortedatum van de cliënt.", "measured_on")
    intake = intake_measurement(session, trajectory.id)
    if at_intake and intake is not None:
        raise FactRefused(f"Er is al een bevestigde meting bij intake (trede {intake.rung}, "
                          f"{nl_date(intake.measured_on)}).", "rung")
    if not at_intake and intake is not None and measured_on < intake.measured_on:
        raise FactRefused(f"Datum meting: ligt vóór de meting bij intake ({nl_date(intake.measured_on)}).",
                          "measured_on")
    now = clock.now()
    measurement = LadderMeasurement(trajectory_id=trajectory.id, rung=rung, measured_on=measured_on,
                                    at_intake=at_intake, status="confirmed" if klantmanager else "proposed",
                                    note=(note or "").strip() or None, proposed_at=now, proposed_by_id=actor.id,
                                    decided_at=now if klantmanager else None,
                                    decided_by_id=actor.id if klantmanager else None)
    session.add(measurement)
    session.flush()
    record(session, actor, "ladder.measured", "ladder_measurement", measurement.id,
           after=snapshot(measurement, *FIELDS))
    return measurement


def decide(session: Session, actor: User, trajectory: Trajectory, measurement: LadderMeasurement,
           action: str) -> LadderMeasurement:
    """Confirm or reject a proposed measurement (the klantmanager of the client's municipality)."""
    if not _is_klantmanager(actor, trajectory):
        raise FactRefused("Alleen de klantmanager van de gemeente van deze cliënt bevestigt een meting.")
    new = TRANSITIONS.get((measurement.status, action))
    if new is None:
        raise FactRefused(f"Deze meting is al {fact_label(measurement.status).lower()}.")
    if trajectory.status not in MEASURABLE_STATES and action == "confirm":
        raise FactRefused(f"Dit traject is {label(trajectory.status).lower()}: er kan geen meting meer worden "
                          "bevestigd.")
    if new == "confirmed" and measurement.at_intake and intake_measurement(session, trajectory.id) is not None:
        raise FactRefused("Er is al een bevestigde meting bij intake.")
    before = snapshot(measurement, *FIELDS)
    measurement.status, measurement.decided_at, measurement.decided_by_id = new, clock.now(), actor.id
    session.flush()
    record(session, actor, f"ladder.{new}", "ladder_measurement", measurement.id, before=before,
           after=snapshot(measurement, *FIELDS))
    return measurement


def require_intake_for_segment(session: Session, trajectory: Trajectory) -> None:
    """In sociale activering and aanbodversterking a confirmed measurement at intake is required."""
    if trajectory.segment in LADDER_SEGMENTS and intake_measurement(session, trajectory.id) is None:
        raise FactRefused(f"In het segment {label(trajectory.segment)} is een meting op de participatieladder "
                          "bij intake verplicht: kies de trede.", "ladder_rung")


@dataclass(frozen=True)
class StepBasis:
    intake: LadderMeasurement
    reached: LadderMeasurement


def step_basis(session: Session, trajectory: Trajectory, on: date) -> StepBasis:
    """Return the intake and the highest confirmed later measurement on or before a date, or refuse."""
    intake = intake_measurement(session, trajectory.id)
    if intake is None:
        raise FactRefused("Een trede op de participatieladder kan pas worden gedeclareerd als er een bevestigde "
                          "meting bij intake is.", "type")
    higher = session.scalars(select(LadderMeasurement).where(
        LadderMeasurement.trajectory_id == trajectory.id, LadderMeasurement.status == "confirmed",
        LadderMeasurement.id != intake.id, LadderMeasurement.rung > intake.rung,
        LadderMeasurement.measured_on <= on)
        .order_by(LadderMeasurement.rung.desc(), LadderMeasurement.measured_on)).first()
    if higher is None:
        raise FactRefused(f"Een trede op de participatieladder kan alleen worden gedeclareerd met een bevestigde "
                          f"meting hoger dan de meting bij intake (trede {intake.rung}) op of vóór de datum van de "
                          "mijlpaal. Vraag de klantmanager de nieuwe meting te bevestigen.", "type")
    return StepBasis(intake, higher)


def link_step(session: Session, claim_id: int, basis: StepBasis) -> ParticipationStep:
    step = ParticipationStep(claim_id=claim_id, intake_id=basis.intake.id, reached_id=basis.reached.id)
    session.add(step)
    session.flush()
    return step


def steps_for_claims(session: Session, claim_ids) -> dict[int, ParticipationStep]:
    """The measurements behind participation_step claims, for the reviewer (one query)."""
    rows = session.scalars(select(ParticipationStep).where(ParticipationStep.claim_id.in_(list(claim_ids)))
                           .options(selectinload(ParticipationStep.intake), selectinload(ParticipationStep.reached)))
    return {s.claim_id: s for s in rows}
