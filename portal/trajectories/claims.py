"""Claiming milestones with evidence, and placements with their facts.

Everything is checked before anything is written: the claim, the uploads (by content)
and, for a placement, its facts. Only then the claim row, the evidence rows and the
files are written, with one audit event.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..clients import ladder, outflow
from ..evidence.storage import CheckedFile, Upload, attach_evidence, check_upload
from ..formatting import label, nl_date
from ..identifiers import InvalidIdentifier, clean_kvk
from ..models import MilestoneClaim, Placement, Trajectory, User
from ..models.enums import BENEFIT_ENDINGS, CONTRACT_TYPES, EVIDENCE_KINDS
from ..storage import Storage
from .service import require_bureau
from .states import TrajectoryError

CLAIMABLE_STATES = ("accepted", "active", "ended")


class ClaimRefused(TrajectoryError):
    """The claim breaks a rule; nothing was saved."""


@dataclass(frozen=True)
class PlacementFacts:
    """The facts of paid work found for the client, as the bureau enters them."""

    employer_name: str
    employer_kvk: str | None
    start_date: date
    contract_type: str
    hours_per_week: Decimal
    gross_wage: Decimal
    benefit_ends: str


def contract_milestones(trajectory: Trajectory) -> list[str]:
    """Return the milestone types the contract pays for, in the order of its payment schedule."""
    return [t.milestone_type for t in trajectory.contract.tranches]


def claimable_types(trajectory: Trajectory) -> list[str]:
    """Return the types the bureau may claim now (the plan only once it is approved; placements have their own form)."""
    return [m for m in contract_milestones(trajectory)
            if m != "placement" and (m != "plan" or trajectory.plan_status == "approved")]


def blocking_claim(session: Session, trajectory: Trajectory, type_: str) -> MilestoneClaim | None:
    """Return a pending or approved claim of this type: while one exists, the type cannot be claimed again."""
    return session.scalar(select(MilestoneClaim).where(MilestoneClaim.trajectory_id == trajectory.id,
                                                       MilestoneClaim.type == type_,
                                                       MilestoneClaim.review.in_(("pending", "approved")))
                          .limit(1))


def sustained_from(trajectory: Trajectory, placement: Placement) -> date:
    """Return the first date a placement counts as sustained (start + the contract's months)."""
    return placement.start_date + relativedelta(months=trajectory.contract.sustained_after_months)


def submit_claim(session: Session, actor: User, trajectory: Trajectory, *, type: str, happened: date,
                 uploads: list[Upload], evidence_kind: str, storage: Storage, note: str | None = None,
                 placement: Placement | None = None, today: date | None = None) -> MilestoneClaim:
    """Claim a milestone (not a placement: see register_placement) with at least one evidence file."""
    today = today or clock.today()
    _check_claim(session, actor, trajectory, type, happened, today, "happened")
    if type == "placement":
        raise ClaimRefused("Een plaatsing declareert u met het plaatsingsformulier (werkgever, uren, loon).", "type")
    if type == "plan" and trajectory.plan_status != "approved":
        raise ClaimRefused("Het trajectplan kan pas worden gedeclareerd als de klantmanager het heeft goedgekeurd.",
                           "type")
    if type == "sustained_placement":
        if placement is None or placement.trajectory_id != trajectory.id:
            raise ClaimRefused("Kies de plaatsing waar deze duurzame plaatsing bij hoort.", "placement_id")
        earliest = sustained_from(trajectory, placement)
        if happened < earliest:
            raise ClaimRefused(f"Een plaatsing is duurzaam na {trajectory.contract.sustained_after_months} maanden: "
                               f"deze plaatsing (start {nl_date(placement.start_date)}) kan vanaf "
                               f"{nl_date(earliest)} worden gedeclareerd.", "happened")
        durable = outflow.durable_check(session, trajectory, placement, happened)
        if not durable.holds:
            raise ClaimRefused(f"Geen duurzame uitstroom: {durable.failure}", "placement_id")
    else:
        placement = None
    # A participation step rests on a confirmed measurement higher than the one at intake.
    step = None
    if type == "participation_step":
        try:
            step = ladder.step_basis(session, trajectory, happened)
        except ladder.FactRefused as refused:
            raise ClaimRefused(str(refused), refused.field) from None
    files = _check_evidence(uploads, evidence_kind)
    claim = _create_claim(session, actor, trajectory, type, happened, note, placement, today)
    if step is not None:
        ladder.link_step(session, claim.id, step)
    stored = [attach_evidence(session, actor, claim, f, kind=evidence_kind, storage=storage) for f in files]
    record(session, actor, "claim.submitted", "milestone_claim", claim.id, after=_claim_facts(claim, stored))
    return claim


def register_placement(session: Session, actor: User, trajectory: Trajectory, facts: PlacementFacts, *,
                       uploads: list[Upload], evidence_kind: str, storage: Storage,
                       note: str | None = None, today: date | None = None) -> MilestoneClaim:
    """Record a placement and claim it (dated on the first working day), with evidence."""
    today = today or clock.today()
    _check_claim(session, actor, trajectory, "placement", facts.start_date, today, "start_date")
    facts = _check_placement(facts)
    files = _check_evidence(uploads, evidence_kind)
    placement = Placement(trajectory_id=trajectory.id, employer_name=facts.employer_name,
                          employer_kvk=facts.employer_kvk, start_date=facts.start_date,
                          contract_type=facts.contract_type, hours_per_week=facts.hours_per_week,
                          gross_wage=facts.gross_wage, benefit_ends=facts.benefit_ends)
    session.add(placement)
    session.flush()
    claim = _create_claim(session, actor, trajectory, "placement", facts.start_date, note, placement, today)
    stored = [attach_evidence(session, actor, claim, f, kind=evidence_kind, storage=storage) for f in files]
    after = _claim_facts(claim, stored)
    after["placement"] = {"id": placement.id, "employer_name": placement.employer_name,
                          "employer_kvk": placement.employer_kvk, "start_date": placement.start_date,
                          "contract_type": placement.contract_type, "hours_per_week": placement.hours_per_week,
                          "gross_wage": placement.gross_wage, "benefit_ends": placement.benefit_ends}
    record(session, actor, "claim.submitted", "milestone_claim", claim.id, after=after)
    return claim


def _check_claim(session: Session, actor: User, trajectory: Trajectory, type_: str, happened: date,
                 today: date, date_field: str) -> None:
    require_bureau(actor, trajectory)
    if trajectory.status not in CLAIMABLE_STATES:
        raise ClaimRefused(f"Dit traject is {label(trajectory.status).lower()}: er kan niets worden gedeclareerd.")
    if type_ not in contract_milestones(trajectory):
        raise ClaimRefused(f"Contract {trajectory.contract.code} betaalt geen mijlpaal ‘{label(type_)}’.", "type")
    if happened > today:
        raise ClaimRefused("De datum van de mijlpaal ligt in de toekomst.", date_field)
    if happened < trajectory.start:
        raise ClaimRefused(f"De datum van de mijlpaal ligt vóór de start van het traject ({nl_date(trajectory.start)}).",
                           date_field)
    if trajectory.status == "ended" and happened > trajectory.end and type_ != "sustained_placement":
        raise ClaimRefused(f"De datum van de mijlpaal ligt na het einde van het traject ({nl_date(trajectory.end)}).",
                           date_field)
    existing = blocking_claim(session, trajectory, type_)
    if existing is not None:
        state = "al goedgekeurd" if existing.review == "approved" else "nog in behandeling"
        raise ClaimRefused(f"De mijlpaal ‘{label(type_)}’ is al gedeclareerd ({existing.ref}) en {state}. "
                           "Alleen een afgekeurde declaratie kan opnieuw worden ingediend.", "type")


def _check_placement(facts: PlacementFacts) -> PlacementFacts:
    name = (facts.employer_name or "").strip()
    if not name:
        raise ClaimRefused("Vul de naam van de werkgever in.", "employer_name")
    try:
        kvk = clean_kvk(facts.employer_kvk) if facts.employer_kvk else None
    except InvalidIdentifier as error:
        raise ClaimRefused(f"KvK-nummer van de werkgever: {error}", "employer_kvk") from None
    if facts.contract_type not in CONTRACT_TYPES:
        raise ClaimRefused("Kies het soort arbeidscontract.", "contract_type")
    if facts.benefit_ends not in BENEFIT_ENDINGS:
        raise ClaimRefused("Geef aan of de uitkering volledig, gedeeltelijk of niet stopt.", "benefit_ends")
    hours = _exact(facts.hours_per_week, "Uren per week", "hours_per_week")
    if not Decimal(0) < hours <= Decimal(60):
        raise ClaimRefused("Uren per week moet meer dan 0 en hoogstens 60 zijn.", "hours_per_week")
    wage = _exact(facts.gross_wage, "Bruto maandloon", "gross_wage")
    if wage < 0:
        raise ClaimRefused("Het bruto maandloon kan niet negatief zijn.", "gross_wage")
    return PlacementFacts(name[:200], kvk, facts.start_date, facts.contract_type, hours, wage, facts.benefit_ends)


def _exact(value, name: str, field: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ClaimRefused(f"{name}: vul een getal in.", field) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ClaimRefused(f"{name}: gebruik hoogstens twee cijfers achter de komma.", field)
    return amount


def _check_evidence(uploads: list[Upload], evidence_kind: str) -> list[CheckedFile]:
    if evidence_kind not in EVIDENCE_KINDS:
        raise ClaimRefused("Kies wat voor bewijsstuk u meestuurt.", "evidence_kind")
    uploads = [u for u in uploads if u.filename or u.data]
    if not uploads:
        raise ClaimRefused("Voeg minstens één bewijsstuk toe (PDF, PNG of JPEG).", "files")
    files = [check_upload(u) for u in uploads]
    seen = set()
    for f in files:
        if f.sha256 in seen:
            raise ClaimRefused(f"Het bestand ‘{f.filename}’ is twee keer bijgevoegd.", "files")
        seen.add(f.sha256)
    return files


def _create_claim(session: Session, actor: User, trajectory: Trajectory, type_: str, happened: date,
                  note: str | None, placement: Placement | None, today: date) -> MilestoneClaim:
    claim = MilestoneClaim(ref=f"new-{uuid.uuid4().hex}", trajectory_id=trajectory.id, type=type_, date=happened,
                           submitted=today, submitted_at=clock.now(), submitted_by_id=actor.id,
                           note=(note or "").strip() or None, placement_id=placement.id if placement else None,
                           review="pending")
    session.add(claim)
    session.flush()
    claim.ref = f"M{claim.id:06d}"
    session.flush()
    return claim


def _claim_facts(claim: MilestoneClaim, stored) -> dict:
    return {"ref": claim.ref, "trajectory_id": claim.trajectory_id, "type": claim.type, "date": claim.date,
            "submitted": claim.submitted, "placement_id": claim.placement_id,
            "evidence": [{"id": e.id, "filename": e.filename, "content_type": e.content_type, "size": e.size,
                          "sha256": e.sha256} for e in stored]}
