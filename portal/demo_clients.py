"""Demo data for clients as people (issue 9): profiles, dated target groups and benefits, language levels,
ladder measurements with participation steps, social-activation results, placement changes, ESF facts.

It runs after the main demo with its own random generator, so the rest of the demo stays as it was.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import (ActivationResult, Client, ClientFact, ClientProfile, Contract, DurableOutflowTerms,
                     EsfParticipant, LadderMeasurement, MilestoneClaim, ParticipationStep, Placement, PlacementChange,
                     Trajectory, User)
from .models.client_enums import ACTIVATION_KINDS, GENDERS, ISCED_LEVELS, LABOUR_STATUSES

PROFILES = [("p1", "Profiel 1: direct bemiddelbaar", "Kan met een korte opstap aan het werk."),
            ("p2", "Profiel 2: bemiddelbaar met ondersteuning", "Werk is haalbaar binnen een jaar, met begeleiding."),
            ("p3", "Profiel 3: grote afstand tot werk", "Eerst werkritme en vaardigheden; werk op termijn."),
            ("p4", "Profiel 4: participatie", "Betaald werk is nog niet in zicht; meedoen staat voorop.")]
LADDER_SEGMENTS = ("aanbodversterking", "sociale_activering", "arbeidsritme")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=timezone.utc)


def add_client_facts(session: Session, today: date, logins: dict) -> None:
    """Add the client facts to the demo's clients and trajectories."""
    rng = random.Random(909)
    klantmanager: User = logins["klantmanager@alkmaar.example"]
    for position, (code, name, description) in enumerate(PROFILES, start=1):
        session.add(ClientProfile(code=code, name=name, description=description, position=position, active=True))
    for contract in session.scalars(select(Contract).where(Contract.segment == "directe_bemiddeling")):
        session.add(DurableOutflowTerms(contract_id=contract.id, benefit_must_end=contract.code.endswith("WKN")))
    trajectories = session.scalars(select(Trajectory).order_by(Trajectory.id)).all()
    clients = {c.id: c for c in session.scalars(select(Client))}
    claims: dict[int, list[MilestoneClaim]] = {}
    for claim in session.scalars(select(MilestoneClaim).order_by(MilestoneClaim.id)):
        claims.setdefault(claim.trajectory_id, []).append(claim)
    for trajectory in trajectories:
        client = clients[trajectory.client_id]
        _client_facts(session, rng, client, trajectory, today)
        if trajectory.start is not None:
            session.add(EsfParticipant(trajectory_id=trajectory.id, gender=rng.choice(GENDERS[:2] * 8 + GENDERS[2:]),
                                       isced=rng.choice(ISCED_LEVELS[:5]), labour_status=rng.choice(LABOUR_STATUSES),
                                       exit_result=_exit(rng, trajectory), recorded_at=_at(trajectory.referred_on),
                                       recorded_by_id=klantmanager.id))
        if trajectory.segment in LADDER_SEGMENTS:
            _ladder(session, rng, trajectory, claims.get(trajectory.id, []), klantmanager, today)
        if trajectory.segment in ("sociale_activering", "aanbodversterking") and trajectory.start is not None:
            _activation(session, rng, trajectory, today)
    _placement_changes(session, rng, claims, today)
    session.flush()


def _client_facts(session, rng, client: Client, trajectory: Trajectory, today: date) -> None:
    on = trajectory.referred_on
    recorded = _at(on)
    add = lambda kind, value, since, member=True: session.add(ClientFact(  # noqa: E731
        client_id=client.id, kind=kind, value=value, valid_from=since, member=member, recorded_at=recorded))
    profile = {"directe_bemiddeling": "p1", "voortraject": "p2", "arbeidsritme": "p3", "aanbodversterking": "p3",
               "sociale_activering": "p4"}[trajectory.segment]
    add("profile", profile if rng.random() < 0.8 else rng.choice(["p1", "p2", "p3", "p4"]), on)
    if client.target_group == "statushouder":
        add("language_level", rng.choice(["a0", "a1", "a2", "a2", "b1"]), on)
    elif rng.random() < 0.2:
        add("language_level", "moedertaal", on)
    birth = client.birth_date
    if birth is not None and birth + relativedelta(years=27) > date(2025, 1, 1):
        # Young: a jongere until the 27th birthday (an ending recorded when it happened).
        add("target_group", "jongere", birth + relativedelta(years=16))
        turned = birth + relativedelta(years=27)
        if turned <= today:
            add("target_group", "jongere", turned, member=False)
    if birth is not None and birth + relativedelta(years=50) <= today and client.target_group != "50plus":
        add("target_group", "50plus", birth + relativedelta(years=50))
    if client.benefit == "none":
        add("target_group", "nug", on - timedelta(days=rng.randint(30, 400)))
    elif client.benefit == "anw":
        add("target_group", "anw", on - timedelta(days=rng.randint(30, 400)))
    if trajectory.end_reason == "work" and trajectory.end is not None:
        add("benefit", "none", trajectory.end)


def _exit(rng, trajectory: Trajectory) -> str | None:
    if trajectory.status != "ended":
        return None
    if trajectory.end_reason == "work":
        return "in_work"
    return rng.choice(["job_seeking", "job_seeking", "in_education", "other"])


def _ladder(session, rng, trajectory: Trajectory, claims: list[MilestoneClaim], klantmanager: User, today) -> None:
    if trajectory.status == "declined":
        return
    intake_rung = rng.choice([1, 1, 2, 2, 3])
    intake = LadderMeasurement(trajectory_id=trajectory.id, rung=intake_rung, measured_on=trajectory.referred_on,
                               at_intake=True, status="confirmed", proposed_at=_at(trajectory.referred_on),
                               proposed_by_id=klantmanager.id, decided_at=_at(trajectory.referred_on),
                               decided_by_id=klantmanager.id)
    session.add(intake)
    session.flush()
    steps = [c for c in claims if c.type == "participation_step"]
    for claim in steps:
        measured = max(claim.date - timedelta(days=rng.randint(1, 14)), trajectory.referred_on + timedelta(days=1))
        reached = LadderMeasurement(trajectory_id=trajectory.id, rung=min(6, intake_rung + rng.choice([1, 1, 2, 3])),
                                    measured_on=measured, at_intake=False, status="confirmed",
                                    note="Gemeten in het voortgangsgesprek.", proposed_at=_at(measured),
                                    proposed_by_id=claim.submitted_by_id, decided_at=_at(measured + timedelta(days=3)),
                                    decided_by_id=klantmanager.id)
        session.add(reached)
        session.flush()
        session.add(ParticipationStep(claim_id=claim.id, intake_id=intake.id, reached_id=reached.id))
    if not steps and trajectory.status in ("accepted", "active") and rng.random() < 0.5:
        measured = min(today - timedelta(days=rng.randint(1, 20)), max(trajectory.start or today, trajectory.referred_on))
        session.add(LadderMeasurement(trajectory_id=trajectory.id, rung=min(6, intake_rung + 1), measured_on=measured,
                                      at_intake=False, status="proposed", note="Neemt wekelijks deel aan de groep.",
                                      proposed_at=_at(measured)))


def _activation(session, rng, trajectory: Trajectory, today: date) -> None:
    for _ in range(rng.choice([0, 1, 1, 2])):
        start = trajectory.start + timedelta(days=rng.randint(10, 150))
        if start > today:
            continue
        end = start + timedelta(days=rng.randint(30, 200)) if rng.random() < 0.4 else None
        session.add(ActivationResult(trajectory_id=trajectory.id, kind=rng.choice(ACTIVATION_KINDS), start=start,
                                     end=end if end is None or end <= today else None, recorded_at=_at(start)))


def _placement_changes(session, rng, claims: dict[int, list[MilestoneClaim]], today: date) -> None:
    """A few placements without a sustained claim ended early or lost hours: no durable outflow there."""
    sustained = {c.placement_id for cs in claims.values() for c in cs if c.type == "sustained_placement"}
    for placement in session.scalars(select(Placement).order_by(Placement.id)):
        if placement.id in sustained or rng.random() > 0.3:
            continue
        changed = placement.start_date + timedelta(days=rng.randint(20, 120))
        if changed > today:
            continue
        kind = rng.choice(["ended_early", "fewer_hours", "benefit_resumed"])
        hours = (placement.hours_per_week / 2).quantize(placement.hours_per_week) if kind == "fewer_hours" else None
        session.add(PlacementChange(placement_id=placement.id, kind=kind, changed_on=changed, hours_per_week=hours,
                                    note="Gemeld door de werkgever.", recorded_at=_at(changed)))
