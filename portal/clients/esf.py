"""What ESF+ asks per participant, recorded by the klantmanager at referral; the result at exit later."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..models import ActivationResult, Client, ClientProfile, EsfParticipant, Trajectory, User
from ..models.client_enums import EXIT_RESULTS, GENDERS, ISCED_LEVELS, LABOUR_STATUSES
from .errors import FactRefused
from .facts import load_histories
from .labels import age_band, fact_label, isced_label

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


# ---------------------------------------------------------------- the ESF participant report's client columns

ESF_COLUMNS = ["Geslacht", "Leeftijd bij start", "Opleidingsniveau (ISCED)", "Arbeidsmarktstatus bij start",
               "Resultaat bij uitstroom", "Cliëntprofiel", "Resultaten sociale activering"]


def esf_columns() -> list:
    """The columns the report's trajectory query selects (it outer-joins EsfParticipant and Client)."""
    return [EsfParticipant.gender, EsfParticipant.isced, EsfParticipant.labour_status, EsfParticipant.exit_result,
            Client.birth_date]


@dataclass(frozen=True)
class Person:
    target_groups: str
    benefit: str
    profile: str
    activations: str


def people(session: Session, rows, period_start=None, period_end=None) -> dict[int, Person]:
    """Per trajectory row: target groups and benefit on its start, profile, activation results (two queries)."""
    histories = load_histories(session, [r.client_id for r in rows if r.client_id is not None])
    activations: dict[int, list[str]] = {}
    ids = [r.id for r in rows]
    query = select(ActivationResult.trajectory_id, ActivationResult.kind, ActivationResult.start).where(
        ActivationResult.trajectory_id.in_(ids)).order_by(ActivationResult.start, ActivationResult.id)
    if period_start is not None:
        query = query.where((ActivationResult.end.is_(None)) | (ActivationResult.end >= period_start))
    if period_end is not None:
        query = query.where(ActivationResult.start <= period_end)
    for trajectory_id, kind, start in (session.execute(query) if ids else ()):
        activations.setdefault(trajectory_id, []).append(f"{fact_label(kind)} ({start:%d-%m-%Y})")
    names = dict(session.execute(select(ClientProfile.code, ClientProfile.name)).all()) if histories else {}
    result = {}
    for r in rows:
        if r.client_id is None:
            continue
        h, on = histories[r.client_id], r.start
        profile = h.value_on("profile", on)
        result[r.id] = Person(", ".join(fact_label(g) for g in sorted(h.target_groups_on(on))),
                              fact_label(h.benefit_on(on)), names.get(profile, profile or ""),
                              ", ".join(activations.get(r.id, ())))
    return result


def esf_cells(row, person: Person | None) -> list:
    return [fact_label(row.gender), fact_label(age_band(row.birth_date, row.start)), isced_label(row.isced) if row.isced else "",
            fact_label(row.labour_status), fact_label(row.exit_result), person.profile if person else "",
            person.activations if person else ""]
