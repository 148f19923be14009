"""Retention (AVG art. 5(1)(e)): anonymise clients whose last trajectory ended long enough ago.

A client qualifies when every trajectory of theirs is closed (ended or declined), the last one
closed more than `PRIVACY_RETENTION_MONTHS` months ago (a client never referred: registered that
long ago), and none of their trajectories has a line in an open settlement run (draft, submitted,
returned) or a claim with an open objection.

What goes: names, birth date, the BSN (ciphertext, hash, last digits) and the free-text notes
written about the person (referral, decline, end, plan and feedback, claim notes, ladder,
activation and placement-change notes); evidence files get a neutral file name.
What stays: the client's ref (`C000123`, the pseudonymous reference every financial record
uses), trajectories, claims, reviews, runs, lines, invoices and payments, the coded facts
(target group, benefit, profile: the engine may need them) and the evidence files' contents:
they are the proof behind paid invoices, kept for the fiscal retention period (7 years,
art. 52 AWR) and the accountant's audit; AVG art. 17(3)(b) allows that. See README "Privacy (AVG)".
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import (ActivationResult, Client, EvidenceFile, LadderMeasurement, MilestoneClaim, Objection, Placement,
                      SettlementLine, SettlementRun, Trajectory, User)
from ..models.client_facts import PlacementChange

CLOSED = ("ended", "declined")
OPEN_RUNS = ("draft", "submitted", "returned")
CHUNK = 5000
#: Stands in for the keyed hash of an anonymised client: unique, and never equal to a hex digest.
MARKER = "anonymised:"


@dataclass(frozen=True)
class Plan:
    cutoff: date
    months: int
    clients: list[tuple[int, str]]  # (id, ref), by ref


def months_before(day: date, months: int) -> date:
    """Return the same day `months` calendar months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def plan(session: Session, months: int, today: date | None = None) -> Plan:
    """Return the clients that would be anonymised today (nothing is changed)."""
    cutoff = months_before(today or clock.today(), months)
    last_closed = func.max(func.coalesce(Trajectory.end, Trajectory.referred_on))
    closed_long_ago = (select(Trajectory.client_id).where(Trajectory.client_id.is_not(None))
                       .group_by(Trajectory.client_id).having(last_closed < cutoff))
    still_open = select(Trajectory.client_id).where(Trajectory.client_id.is_not(None),
                                                    Trajectory.status.not_in(CLOSED))
    referred = select(Trajectory.client_id).where(Trajectory.client_id.is_not(None))
    in_open_run = (select(Trajectory.client_id)
                   .join(SettlementLine, SettlementLine.trajectory_ref == Trajectory.ref)
                   .join(SettlementRun, SettlementRun.id == SettlementLine.run_id)
                   .where(SettlementRun.status.in_(OPEN_RUNS)))
    in_open_objection = (select(Trajectory.client_id)
                         .join(MilestoneClaim, MilestoneClaim.trajectory_id == Trajectory.id)
                         .join(Objection, Objection.claim_id == MilestoneClaim.id)
                         .where(Objection.status == "open"))
    registered_before = datetime.combine(cutoff, time.min, clock.AMSTERDAM)
    query = (select(Client.id, Client.ref)
             .where(Client.anonymised_at.is_(None),
                    Client.id.in_(closed_long_ago) | (Client.id.not_in(referred) & (Client.created_at < registered_before)),
                    Client.id.not_in(still_open), Client.id.not_in(in_open_run), Client.id.not_in(in_open_objection))
             .order_by(Client.ref))
    return Plan(cutoff, months, [(id_, ref) for id_, ref in session.execute(query)])


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def anonymise(session: Session, actor: User | None, the_plan: Plan) -> int:
    """Anonymise the planned clients (set-based updates, flushed, not committed); return how many."""
    now = clock.now()
    ids = [id_ for id_, _ref in the_plan.clients]
    for part in _chunks(ids):
        trajectories = select(Trajectory.id).where(Trajectory.client_id.in_(part))
        session.execute(update(Client).where(Client.id.in_(part)).values(
            first_name=None, last_name=None, birth_date=None, bsn_hash=literal(MARKER) + cast(Client.id, String),
            bsn_encrypted=b"", bsn_last4="", anonymised_at=now).execution_options(synchronize_session=False))
        session.execute(update(Trajectory).where(Trajectory.client_id.in_(part)).values(
            referral_note=None, decline_reason=None, end_note=None, plan_text=None, plan_feedback=None)
            .execution_options(synchronize_session=False))
        claims = select(MilestoneClaim.id).where(MilestoneClaim.trajectory_id.in_(trajectories))
        for model, column in ((MilestoneClaim, MilestoneClaim.trajectory_id),
                              (LadderMeasurement, LadderMeasurement.trajectory_id),
                              (ActivationResult, ActivationResult.trajectory_id)):
            session.execute(update(model).where(column.in_(trajectories), model.note.is_not(None))
                            .values(note=None).execution_options(synchronize_session=False))
        placements = select(Placement.id).where(Placement.trajectory_id.in_(trajectories))
        session.execute(update(PlacementChange).where(PlacementChange.placement_id.in_(placements),
                                                      PlacementChange.note.is_not(None))
                        .values(note=None).execution_options(synchronize_session=False))
        session.execute(update(EvidenceFile).where(EvidenceFile.claim_id.in_(claims)).values(
            filename=literal("bewijs-") + cast(EvidenceFile.id, String))
            .execution_options(synchronize_session=False))
    for id_, ref in the_plan.clients:
        record(session, actor, "client.anonymised", "client", id_,
               after={"ref": ref, "retention_months": the_plan.months, "cutoff": the_plan.cutoff})
    session.flush()
    session.expire_all()
    return len(ids)
