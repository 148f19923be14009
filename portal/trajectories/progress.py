"""Where a trajectory stands: its claims as a timeline and what is due next, by whom and by when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..formatting import label
from ..models import Contract, MilestoneClaim, Trajectory
from .claims import contract_milestones, sustained_from


@dataclass(frozen=True)
class TimelineEntry:
    claim: MilestoneClaim
    deadline: date | None        # the last day the claim could be submitted in time
    late: bool                   # submitted after that day
    superseded: bool             # a rejected claim that was claimed again


@dataclass(frozen=True)
class NextStep:
    text: str
    who: str                     # provider, klantmanager or reviewer
    due: date | None = None
    overdue: bool = False


def submission_deadline(contract: Contract, happened: date) -> date | None:
    """Return the last day a milestone of this date may be submitted (None: the contract sets no deadline)."""
    if contract.submission_deadline_days is None:
        return None
    return happened + timedelta(days=contract.submission_deadline_days)


def timeline(trajectory: Trajectory, claims: list[MilestoneClaim]) -> list[TimelineEntry]:
    """Return the claims in date order with their deadline and whether they were claimed again."""
    newest_per_type = {}
    for claim in claims:
        newest_per_type[claim.type] = max(newest_per_type.get(claim.type, 0), claim.id)
    entries = []
    for claim in sorted(claims, key=lambda c: (c.date, c.id)):
        deadline = submission_deadline(trajectory.contract, claim.date)
        entries.append(TimelineEntry(claim, deadline, deadline is not None and claim.submitted > deadline,
                                     claim.review == "rejected" and newest_per_type[claim.type] != claim.id))
    return entries


def next_steps(trajectory: Trajectory, claims: list[MilestoneClaim], today: date) -> list[NextStep]:
    """Return what is due next on this trajectory, most urgent first."""
    status = trajectory.status
    if status == "referred":
        return [NextStep("Aanmelding accepteren of weigeren", "provider")]
    if status in ("declined", "ended") and not _sustained_still_open(trajectory, claims):
        return []
    steps: list[NextStep] = []
    if status in ("accepted", "active"):
        if trajectory.plan_status == "none":
            steps.append(NextStep("Trajectplan schrijven en indienen", "provider"))
        elif trajectory.plan_status == "returned":
            steps.append(NextStep("Teruggestuurd trajectplan aanpassen en opnieuw indienen", "provider"))
        elif trajectory.plan_status == "submitted":
            steps.append(NextStep("Trajectplan beoordelen", "klantmanager"))
    newest: dict[str, MilestoneClaim] = {}
    for claim in sorted(claims, key=lambda c: c.id):
        newest[claim.type] = claim
    for claim in newest.values():
        if claim.review == "pending":
            steps.append(NextStep(f"{label(claim.type)} ({claim.ref}) beoordelen", "reviewer"))
        elif claim.review == "rejected":
            deadline = submission_deadline(trajectory.contract, claim.date)
            steps.append(NextStep(f"{label(claim.type)} opnieuw declareren met nieuw bewijs", "provider", deadline,
                                  deadline is not None and today > deadline))
    for type_ in contract_milestones(trajectory):
        if type_ in newest or (status == "ended" and type_ != "sustained_placement"):
            continue
        if type_ == "sustained_placement":
            placements = [c.placement for c in claims if c.type == "placement" and c.placement is not None
                          and c.review != "rejected"]
            if placements:
                earliest = sustained_from(trajectory, placements[-1])
                deadline = submission_deadline(trajectory.contract, earliest)
                steps.append(NextStep(f"Duurzame plaatsing declareren vanaf {earliest:%d-%m-%Y}", "provider",
                                      deadline, deadline is not None and today > deadline))
            continue
        if type_ == "plan" and trajectory.plan_status != "approved":
            continue
        steps.append(NextStep(f"{label(type_)} declareren zodra bereikt", "provider"))
    return steps


def _sustained_still_open(trajectory: Trajectory, claims: list[MilestoneClaim]) -> bool:
    if trajectory.status != "ended" or "sustained_placement" not in contract_milestones(trajectory):
        return False
    has_placement = any(c.type == "placement" and c.review != "rejected" for c in claims)
    sustained = [c for c in claims if c.type == "sustained_placement"]
    return has_placement and (not sustained or sustained[-1].review == "rejected")
