"""The client facts the klantmanager records at referral: profile, the ladder at intake, the ESF participant facts."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from .. import clock
from ..models import Client, Trajectory, User
from . import esf, ladder
from .errors import FactRefused
from .service import record_fact


def record_referral_facts(session: Session, actor: User, client: Client, trajectory: Trajectory, *,
                          profile: str | None = None, ladder_rung: str | None = None, gender: str | None = None,
                          isced: str | None = None, labour_status: str | None = None,
                          today: date | None = None) -> None:
    """Record what was given; the ladder at intake is required in sociale activering and aanbodversterking."""
    today = today or clock.today()
    on = min(trajectory.referred_on, today)
    if profile:
        try:
            record_fact(session, actor, client, kind="profile", value=profile, valid_from=on, today=today)
        except FactRefused as error:
            raise FactRefused(str(error), "profile") from None
    if ladder_rung:
        try:
            ladder.record_measurement(session, actor, trajectory, rung=ladder_rung, measured_on=on, at_intake=True,
                                      client=client, today=today)
        except FactRefused as error:
            raise FactRefused(str(error), "ladder_rung") from None
    ladder.require_intake_for_segment(session, trajectory)
    if gender or isced or labour_status:
        esf.record_esf(session, actor, trajectory, gender=gender or None, isced=isced or None,
                       labour_status=labour_status or None)
