"""What ESF+ asks per participant, recorded by the klantmanager at referral; the result at exit later."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..models import EsfParticipant, Trajectory, User
from ..models.client_enums import EXIT_RESULTS, GENDERS, ISCED_LEVELS, LABOUR_STATUSES
from .errors import FactRefused

FIELDS = ("gender", "isced", "labour_status", "exit_result")


def record_esf(session: Session, actor: User, trajectory: Trajectory, *, gender: str | None, isced: str | None,
               labour_status: str | None, exit_result: str | None = None) -> EsfParticipant:
    """Record (or correct) the ESF participant facts of a trajectory."""
    if not (actor.has_role("klantmanager") and actor.municipality_id == trajectory.municipality_id):
        raise FactRefused("Alleen een klantmanager van de gemeente van deze cliënt legt de ESF-gegevens vast.")
    for value, allowed, field, name in ((gender, GENDERS, "gender", "Geslacht"),
                                        (isced, ISCED_LEVELS, "isced", "Opleidingsniveau (ISCED)"),
                                        (labour_status, LABOUR_STATUSES, "labour_status", "Arbeidsmarktstatus bij start")):
        if value not in allowed:
            raise FactRefused(f"{name}: kies uit de lijst.", field)
    if exit_result is not None and exit_result not in EXIT_RESULTS:
        raise FactRefused("Resultaat bij uitstroom: kies uit de lijst.", "exit_result")
    if exit_result is not None and trajectory.status != "ended":
        raise FactRefused("Resultaat bij uitstroom: pas vast te leggen als het traject is beëindigd.", "exit_result")
    row = session.get(EsfParticipant, trajectory.id)
    before = snapshot(row, *FIELDS) if row is not None else None
    if row is None:
        row = EsfParticipant(trajectory_id=trajectory.id)
        session.add(row)
    row.gender, row.isced, row.labour_status, row.exit_result = gender, isced, labour_status, exit_result
    row.recorded_at, row.recorded_by_id = clock.now(), actor.id
    session.flush()
    record(session, actor, "esf.recorded", "trajectory", trajectory.id, before=before, after=snapshot(row, *FIELDS))
    return row
