"""Objections (bezwaren) against withheld settlement lines: the bureau files one, a reviewer decides.

Upholding an objection corrects the fact the line was withheld for, so that the next settlement
run pays it (settlement.md section 9: the difference is a CORRECTION line): for a late
submission the claim gets the submission date the bureau proved, for a milestone outside the
window its corrected date. Other reasons are facts of the contract, the trajectory or other
claims; the reviewer corrects those where they live and says so in the decision reason.
Service functions take explicit arguments, flush, write the audit trail, and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..formatting import nl_date
from ..models import MilestoneClaim, Objection, SettlementLine, User
from .states import InvalidTransition, ObjectionError, ObjectionRefused, next_status

__all__ = ["CORRECTED_FIELD", "MIN_MOTIVATION", "OBJECTABLE_STATUSES", "Correction", "CorrectionInvalid",
           "DecisionReasonRequired", "InvalidTransition", "MotivationRequired", "ObjectionError", "ObjectionRefused",
           "correction_for", "decide_objection", "file_objection", "objectable", "open_objection", "remaining_problem"]

OBJECTABLE_STATUSES = ("withheld", "partial")
MIN_MOTIVATION = 20
MAX_TEXT = 4000
# Withheld reason -> the claim field an upheld objection corrects; other reasons change nothing automatically.
CORRECTED_FIELD = {"LATE_SUBMISSION": "submitted", "OUTSIDE_WINDOW": "date"}
CLAIM_FIELDS = ("date", "submitted")
# A line without an engine reason is a claim that no longer counts (rejected or revoked after an earlier payment).
NO_LONGER_COUNTS = "REVOKED"


class MotivationRequired(ObjectionError):
    """An objection needs a motivation the reviewer can weigh."""


class DecisionReasonRequired(ObjectionError):
    """A decision needs a reason the bureau can read."""


class CorrectionInvalid(ObjectionError):
    """The corrected date is missing, not needed, or outside what the facts allow."""


@dataclass(frozen=True)
class Correction:
    """What upholding an objection changes on its claim, and the dates the reviewer may choose from."""

    field: str  # "submitted" or "date"
    label: str
    earliest: date
    latest: date
    current: date


def objected_reason(line: SettlementLine) -> str:
    return line.reason or NO_LONGER_COUNTS


def objectable(line: SettlementLine) -> bool:
    """Whether a line of an issued run can carry an objection at all (status and claim)."""
    return line.run.status == "issued" and line.status in OBJECTABLE_STATUSES and line.claim_id is not None


def open_objection(session: Session, claim_id: int, tranche_code: str) -> Objection | None:
    """Return the open objection against this claim and tranche (from whichever run), if any."""
    return session.scalar(select(Objection).join(Objection.settlement_line)
                          .where(Objection.claim_id == claim_id, SettlementLine.tranche_code == tranche_code,
                                 Objection.status == "open")
                          .order_by(Objection.id).limit(1))


def file_objection(session: Session, actor: User, line: SettlementLine, motivation: str) -> Objection:
    """Object, as the contract's bureau, to a withheld or partly paid line of an issued run."""
    run = line.run
    if not actor.has_role("provider") or actor.provider_id is None or actor.provider_id != run.contract.provider_id:
        raise ObjectionRefused("Alleen het re-integratiebedrijf van dit contract kan bezwaar maken tegen deze regel.")
    if run.status != "issued":
        raise ObjectionRefused("Bezwaar maken kan alleen tegen een gefactureerde afrekening.")
    if line.status not in OBJECTABLE_STATUSES:
        raise ObjectionRefused("Bezwaar maken kan alleen tegen een ingehouden of deels betaalde regel.")
    if line.claim_id is None:
        raise ObjectionRefused("Deze regel hoort niet bij een declaratie in het portaal; "
                               "neem contact op met de contractmanager.")
    text = (motivation or "").strip()
    if len(text) < MIN_MOTIVATION:
        raise MotivationRequired(f"Motiveer uw bezwaar in ten minste {MIN_MOTIVATION} tekens: waarom is de "
                                 f"inhouding onjuist, en welk bewijs heeft u?")
    if len(text) > MAX_TEXT:
        raise MotivationRequired(f"Gebruik hoogstens {MAX_TEXT} tekens.")
    # Lock the claim so that two simultaneous objections against it cannot both pass the check below.
    _lock_claim(session, line.claim_id)
    if open_objection(session, line.claim_id, line.tranche_code) is not None:
        raise ObjectionRefused("Tegen deze declaratie en tranche loopt al een bezwaar; "
                               "wacht het besluit van de contractmanager af.")
    objection = Objection(settlement_line_id=line.id, claim_id=line.claim_id, provider_id=run.contract.provider_id,
                          reason_objected=objected_reason(line), motivation=text, status="open",
                          created_by_id=actor.id, created_at=clock.now())
    session.add(objection)
    session.flush()
    record(session, actor, "objection.filed", "objection", objection.id,
           after={"status": "open", "settlement_line_id": line.id, "run_id": run.id, "claim_id": line.claim_id,
                  "milestone_ref": line.milestone_ref, "tranche_code": line.tranche_code,
                  "reason_objected": objection.reason_objected, "withheld": line.withheld,
                  "motivation": text})
    return objection


def correction_for(objection: Objection, claim: MilestoneClaim) -> Correction | None:
    """Return what upholding this objection corrects on the claim (None: nothing automatically)."""
    field = CORRECTED_FIELD.get(objection.reason_objected)
    if field == "submitted":
        # The bureau proves it submitted earlier; never before the milestone happened.
        return Correction(field, "Gecorrigeerde indieningsdatum", claim.date, claim.submitted, claim.submitted)
    if field == "date":
        trajectory = claim.trajectory
        window_end = _window_end(claim)
        latest = claim.submitted if window_end is None else min(window_end, claim.submitted)
        return Correction(field, "Gecorrigeerde datum van de mijlpaal", trajectory.start, latest, claim.date)
    return None


def decide_objection(session: Session, actor: User, objection: Objection, *, uphold: bool, reason: str,
                     corrected_date: date | None = None) -> Objection:
    """Uphold or reject an open objection with a reason; upholding corrects the claim where the reason allows."""
    if not actor.has_role("reviewer"):
        raise ObjectionRefused("Alleen een contractmanager beslist over bezwaren.")
    if objection.created_by_id == actor.id:
        raise ObjectionRefused("U heeft dit bezwaar zelf ingediend. Een andere contractmanager moet erover beslissen.")
    if actor.provider_id is not None and actor.provider_id == objection.provider_id:
        raise ObjectionRefused("U werkt voor het re-integratiebedrijf dat dit bezwaar indiende. "
                               "Een andere contractmanager moet erover beslissen.")
    new_status = next_status(objection.status, "uphold" if uphold else "reject")
    text = (reason or "").strip()
    if not text:
        raise DecisionReasonRequired("Geef de reden van het besluit; het bureau leest deze.")
    if len(text) > MAX_TEXT:
        raise DecisionReasonRequired(f"Gebruik hoogstens {MAX_TEXT} tekens.")

    corrected = None
    if uphold and objection.reason_objected in CORRECTED_FIELD:
        corrected = _correct_claim(session, actor, objection, corrected_date)
    elif corrected_date is not None:
        raise CorrectionInvalid("Een gecorrigeerde datum hoort alleen bij een gegrond bezwaar tegen een te late "
                                "indiening of een mijlpaal buiten de resultaattermijn.")

    before = snapshot(objection, "status", "decided_by_id", "decided_at", "decision_reason")
    objection.status, objection.decided_by_id, objection.decided_at = new_status, actor.id, clock.now()
    objection.decision_reason = text
    session.flush()
    record(session, actor, f"objection.{new_status}", "objection", objection.id, before=before,
           after={**snapshot(objection, "status", "decided_by_id", "decided_at", "decision_reason"),
                  "corrected": corrected})
    return objection


def _correct_claim(session: Session, actor: User, objection: Objection, corrected_date: date | None) -> dict:
    """Set the claim's corrected date within its bounds and write the before and after to the audit trail."""
    claim = _lock_claim(session, objection.claim_id)
    correction = correction_for(objection, claim)
    if corrected_date is None:
        raise CorrectionInvalid(f"Vul de {correction.label.lower()} in: daarmee betaalt de volgende afrekening "
                                f"de regel.")
    if not correction.earliest <= corrected_date <= correction.latest:
        if correction.earliest > correction.latest:
            raise CorrectionInvalid(_no_valid_date(correction, claim))
        raise CorrectionInvalid(f"De {correction.label.lower()} moet liggen tussen {nl_date(correction.earliest)} "
                                f"en {nl_date(correction.latest)}.")
    before = snapshot(claim, *CLAIM_FIELDS)
    setattr(claim, correction.field, corrected_date)
    session.flush()
    record(session, actor, "claim.corrected", "milestone_claim", claim.id, before=before,
           after={**snapshot(claim, *CLAIM_FIELDS), "objection_id": objection.id,
                  "reason_objected": objection.reason_objected})
    return {correction.field: corrected_date.isoformat()}


def _no_valid_date(correction: Correction, claim: MilestoneClaim) -> str:
    if correction.field == "date":
        return (f"Geen datum past: de declaratie is ingediend op {nl_date(claim.submitted)}, vóór de start van het "
                f"traject ({nl_date(correction.earliest)}), en een mijlpaal ligt niet na zijn indiening. "
                f"Op de declaratie valt niets te corrigeren; verklaar het bezwaar ongegrond of gegrond met een "
                f"correctie van de trajectgegevens elders.")
    return (f"Geen datum past: de indieningsdatum {nl_date(claim.submitted)} ligt vóór de datum van de mijlpaal "
            f"{nl_date(claim.date)}.")


def remaining_problem(claim: MilestoneClaim) -> str | None:
    """Say why the claim, with its facts as they are now, would still be withheld for lateness or its window."""
    contract = claim.trajectory.contract
    if contract.submission_deadline_days is not None:
        deadline = claim.date + timedelta(days=contract.submission_deadline_days)
        if claim.submitted > deadline:
            return (f"Let op: ook zo is de declaratie te laat ingediend ({nl_date(claim.submitted)}, uiterste "
                    f"indiendatum {nl_date(deadline)}); de volgende afrekening houdt haar nog steeds in.")
    window_end = _window_end(claim)
    if claim.date < claim.trajectory.start or (window_end is not None and claim.date > window_end):
        return ("Let op: ook zo valt de mijlpaal buiten de resultaattermijn; de volgende afrekening houdt haar nog "
                "steeds in.")
    return None


def _window_end(claim: MilestoneClaim) -> date | None:
    """The last day a windowed claim may be dated (settlement.md section 4); None when only the start limits it."""
    contract = claim.trajectory.contract
    if contract.norm_milestone is None:
        return None
    windowed = {contract.norm_milestone} | {t.milestone_type for t in contract.tranches if t.result}
    if claim.type not in windowed:
        return None
    return claim.trajectory.start + relativedelta(months=contract.norm_window_months)


def _lock_claim(session: Session, claim_id: int) -> MilestoneClaim:
    return session.execute(select(MilestoneClaim).where(MilestoneClaim.id == claim_id).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one()
