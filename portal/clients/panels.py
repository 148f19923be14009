"""What the trajectory page and the reviewer's claim page show of the client's facts (view models, a few queries)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (ActivationResult, ClientProfile, EsfParticipant, LadderMeasurement, MilestoneClaim,
                      ParticipationStep, PlacementChange, Trajectory, User)
from . import activation, ladder, outflow
from .facts import FactsOn, facts_on
from .labels import age_band


@dataclass
class TrajectoryPanel:
    facts: FactsOn | None
    profile_name: str | None
    measurements: list[LadderMeasurement]
    intake: LadderMeasurement | None
    highest: LadderMeasurement | None
    proposals: int
    activations: list[ActivationResult]
    durable: list[outflow.DurableCheck]
    changes: dict[int, list[PlacementChange]]
    esf: EsfParticipant | None
    age_band: str | None
    is_bureau: bool
    is_klantmanager: bool
    what_counts: str = ladder.WHAT_COUNTS
    ladder_required: bool = False


def _profile_name(session: Session, code: str | None) -> str | None:
    if code is None:
        return None
    return session.scalar(select(ClientProfile.name).where(ClientProfile.code == code)) or code


def trajectory_panel(session: Session, user: User, trajectory: Trajectory, today: date) -> TrajectoryPanel:
    facts = None
    if trajectory.client_id is not None:
        facts = facts_on(session, {trajectory.client_id: today})[trajectory.client_id]
    measurements = ladder.measurements(session, trajectory.id)
    intake = next((m for m in measurements if m.at_intake and m.status == "confirmed"), None)
    confirmed = [m for m in measurements if m.status == "confirmed" and m is not intake]
    highest = max(confirmed, key=lambda m: (m.rung, m.measured_on), default=None)
    placements = trajectory.placements
    changes = outflow.changes_of(session, [p.id for p in placements]) if placements else {}
    durable = [outflow.durable_check(session, trajectory, p, today) for p in placements]
    esf_row = session.get(EsfParticipant, trajectory.id)
    client = trajectory.client
    return TrajectoryPanel(
        facts=facts, profile_name=_profile_name(session, facts.profile if facts else None),
        measurements=measurements, intake=intake, highest=highest,
        proposals=sum(1 for m in measurements if m.status == "proposed"),
        activations=activation.results_of(session, trajectory.id), durable=durable, changes=changes, esf=esf_row,
        age_band=age_band(client.birth_date if client else None, trajectory.start or trajectory.referred_on),
        is_bureau=user.has_role("provider") and user.provider_id == trajectory.provider_id,
        is_klantmanager=user.has_role("klantmanager") and user.municipality_id == trajectory.municipality_id,
        ladder_required=trajectory.segment in ("sociale_activering", "aanbodversterking"))


@dataclass
class ReviewPanel:
    step: ParticipationStep | None = None
    durable: outflow.DurableCheck | None = None
    facts: FactsOn | None = None
    activations: list[ActivationResult] = field(default_factory=list)


def review_panel(session: Session, claim: MilestoneClaim) -> ReviewPanel:
    """The facts the reviewer needs beside the evidence: both ladder measurements, or the durable-outflow check."""
    trajectory = claim.trajectory
    panel = ReviewPanel()
    if trajectory.client_id is not None:
        panel.facts = facts_on(session, {trajectory.client_id: claim.date})[trajectory.client_id]
    if claim.type == "participation_step":
        panel.step = ladder.steps_for_claims(session, [claim.id]).get(claim.id)
        panel.activations = activation.results_of(session, trajectory.id)
    if claim.type == "sustained_placement" and claim.placement is not None:
        panel.durable = outflow.durable_check(session, trajectory, claim.placement, claim.date)
    return panel
