"""Objections (bezwaren) against withheld settlement lines: the bureau files one, a reviewer decides.

Upholding an objection offers the correction that fits the line's reason and applies it as a new
version of the fact (nothing is overwritten), so that the next settlement run pays the line
(settlement.md section 9: the difference is a CORRECTION line): a corrected submission date
(late) or milestone date (window), a corrected trajectory start (outside the contract period),
for a norm not met a corrected end reason that takes a neutral exit out of the denominator or
the reversal of a wrongful rejection as a new decision, for a duplicate the choice of which
claim counts, and for a claim that no longer counts its reinstatement. Over volume needs a
contract amendment, which lives on the contract page.
Service functions take explicit arguments, flush, write the audit trail, and never commit.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record, snapshot
from ..notifications import service as notifications
from ..formatting import nl_date
from ..formatting import label
from ..history.corrections import correct_fact
from ..evidence.storage import CheckedFile, EvidenceRefused, Upload, check_upload
from ..models import MilestoneClaim, Objection, ObjectionAttachment, SettlementLine, Trajectory, User
from ..review.service import reinstate_claim, revoke_approval
from ..storage import Storage
from .states import InvalidTransition, ObjectionError, ObjectionRefused, next_status

__all__ = ["AMENDMENT_NEEDED", "CHOSEN_CORRECTION", "CORRECTED_FIELD", "Choice", "choices_for", "MIN_MOTIVATION", "OBJECTABLE_STATUSES", "Correction", "CorrectionInvalid",
           "DecisionReasonRequired", "InvalidTransition", "MotivationRequired", "ObjectionError", "ObjectionRefused",
           "correction_for", "decide_objection", "file_objection", "objectable", "open_objection", "remaining_problem"]

OBJECTABLE_STATUSES = ("withheld", "partial")
MIN_MOTIVATION = 20
MAX_TEXT = 4000
# Withheld reason -> the field an upheld objection corrects with a date the reviewer enters.
CORRECTED_FIELD = {"LATE_SUBMISSION": "submitted", "OUTSIDE_WINDOW": "date", "OUTSIDE_CONTRACT_PERIOD": "start"}
# Withheld reasons whose correction is a choice among facts (see choices_for).
CHOSEN_CORRECTION = ("NORM_NOT_MET", "DUPLICATE_CLAIM", "REVOKED")
AMENDMENT_NEEDED = ("OVER_VOLUME",)
CLAIM_FIELDS = ("date", "submitted")
# A line without an engine reason is a claim that no longer counts (rejected or revoked after an earlier payment).
NO_LONGER_COUNTS = "REVOKED"


class MotivationRequired(ObjectionError):
    """An objection needs a motivation the reviewer can weigh."""


class AttachmentRefused(ObjectionError):
    """An attachment is not a PDF, PNG or JPEG of at most 10 MB, is sent twice, or there are too many."""

    field = "attachments"


class DecisionReasonRequired(ObjectionError):
    """A decision needs a reason the bureau can read."""


class CorrectionInvalid(ObjectionError):
    """The corrected date is missing, not needed, or outside what the facts allow."""


@dataclass(frozen=True)
class Correction:
    """What upholding an objection changes on its claim, and the dates the reviewer may choose from."""

    field: str  # "submitted", "date" (the claim's) or "start" (the trajectory's)
    label: str
    earliest: date
    latest: date
    current: date


@dataclass(frozen=True)
class Choice:
    """One correction the reviewer may choose: `value` is what the form posts."""

    value: str
    label: str


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


MAX_ATTACHMENTS = 5


def file_objection(session: Session, actor: User, line: SettlementLine, motivation: str, *,
                   attachments: Sequence[Upload] = (), storage: Storage | None = None) -> Objection:
    """Object, as the contract's bureau, to a withheld or partly paid line of an issued run.

    `attachments` (PDF, PNG or JPEG, checked by content like evidence) are the proof of the motivation;
    they are kept in `storage`, which is then required.
    """
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
    checked = _checked_attachments(attachments)
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
    for file in checked:
        session.add(ObjectionAttachment(objection_id=objection.id, filename=file.filename,
                                        content_type=file.content_type, size=file.size, sha256=file.sha256,
                                        uploaded_at=clock.now(), uploaded_by_id=actor.id))
        storage.put(session, file.sha256, file.data)
    session.flush()
    record(session, actor, "objection.filed", "objection", objection.id,
           after={"status": "open", "settlement_line_id": line.id, "run_id": run.id, "claim_id": line.claim_id,
                  "milestone_ref": line.milestone_ref, "tranche_code": line.tranche_code,
                  "reason_objected": objection.reason_objected, "withheld": line.withheld,
                  "motivation": text, "attachments": [file.filename for file in checked]})
    notifications.objection_filed(session, objection)
    return objection


def attachments_of(session: Session, objection: Objection) -> list[ObjectionAttachment]:
    """An objection's attachments in the order they were added."""
    return list(session.scalars(select(ObjectionAttachment).where(ObjectionAttachment.objection_id == objection.id)
                                .order_by(ObjectionAttachment.id)))


def _checked_attachments(attachments: Sequence[Upload]) -> list[CheckedFile]:
    if len(attachments) > MAX_ATTACHMENTS:
        raise AttachmentRefused(f"Voeg hoogstens {MAX_ATTACHMENTS} bijlagen toe.")
    checked, seen = [], set()
    for upload in attachments:
        try:
            file = check_upload(upload)
        except EvidenceRefused as error:
            raise AttachmentRefused(str(error)) from None
        if file.sha256 in seen:
            raise AttachmentRefused(f"Het bestand ‘{file.filename}’ is twee keer bijgevoegd.")
        seen.add(file.sha256)
        checked.append(file)
    return checked


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
    if field == "start":
        trajectory, contract = claim.trajectory, claim.trajectory.contract
        latest = min(d for d in (contract.end, trajectory.end, claim.date) if d is not None)
        return Correction(field, "Gecorrigeerde startdatum van het traject", contract.start, latest,
                          trajectory.start)
    return None


def choices_for(session: Session, objection: Objection, claim: MilestoneClaim) -> list[Choice]:
    """Return the corrections the reviewer may choose from for this objection's reason (empty: none fits)."""
    reason = objection.reason_objected
    if reason == "REVOKED":
        return [Choice(f"reinstate:{claim.id}", f"Declaratie {claim.ref} alsnog goedkeuren (nieuw besluit; de "
                                                f"afkeuring of intrekking blijft in de geschiedenis)")
                ] if claim.review == "rejected" else []
    if reason == "DUPLICATE_CLAIM":
        others = session.scalars(select(MilestoneClaim).where(
            MilestoneClaim.trajectory_id == claim.trajectory_id, MilestoneClaim.type == claim.type,
            MilestoneClaim.id != claim.id, MilestoneClaim.review == "approved").order_by(MilestoneClaim.id)).all()
        return [Choice(f"count:{other.id}", f"Declaratie {claim.ref} telt: de goedkeuring van {other.ref} "
                                            f"({nl_date(other.date)}) wordt ingetrokken") for other in others]
    if reason == "NORM_NOT_MET":
        return _norm_choices(session, claim)
    return []


def _norm_choices(session: Session, claim: MilestoneClaim) -> list[Choice]:
    """Neutral exits recorded with a counting end reason, and rejected results, in the claim's cohort."""
    contract = claim.trajectory.contract
    if contract.norm_milestone is None:
        return []
    first, last = _cohort_bounds(contract, claim.trajectory.start)
    cohort = session.scalars(select(Trajectory).where(
        Trajectory.contract_id == contract.id, Trajectory.start >= first, Trajectory.start <= last)
        .order_by(Trajectory.ref)).all()
    excluded = [e.end_reason for e in contract.excluded_end_reasons]
    choices = [Choice(f"end_reason:{t.id}:{reason}",
                      f"Traject {t.ref}: beëindigingsreden {label(t.end_reason)} wordt {label(reason)} "
                      f"(telt niet meer mee in de noemer)")
               for t in cohort if t.end_reason is not None and t.end_reason not in excluded for reason in excluded]
    rejected = session.scalars(select(MilestoneClaim).where(
        MilestoneClaim.trajectory_id.in_([t.id for t in cohort]), MilestoneClaim.type == contract.norm_milestone,
        MilestoneClaim.review == "rejected").order_by(MilestoneClaim.ref)).all()
    choices += [Choice(f"reinstate:{c.id}", f"Declaratie {c.ref} ({label(c.type)}, {nl_date(c.date)}): de "
                                            f"afkeuring herzien, alsnog goedgekeurd") for c in rejected]
    return choices


def _cohort_bounds(contract, start: date) -> tuple[date, date]:
    """The first and last day of the measurement period a trajectory start falls in (settlement.md section 5)."""
    k = 0
    while contract.start + relativedelta(months=(k + 1) * contract.norm_measurement_months) <= start:
        k += 1
    first = contract.start + relativedelta(months=k * contract.norm_measurement_months)
    last = contract.start + relativedelta(months=(k + 1) * contract.norm_measurement_months) - timedelta(days=1)
    return first, min(last, contract.end)


def decide_objection(session: Session, actor: User, objection: Objection, *, uphold: bool, reason: str,
                     corrected_date: date | None = None, choice: str | None = None) -> Objection:
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
        corrected = _correct_claim(session, actor, objection, corrected_date, text)
    elif corrected_date is not None:
        raise CorrectionInvalid("Een gecorrigeerde datum hoort alleen bij een gegrond bezwaar tegen een te late "
                                "indiening, een mijlpaal buiten de resultaattermijn of een start buiten de "
                                "contractperiode.")
    if uphold and objection.reason_objected in CHOSEN_CORRECTION:
        corrected = _apply_choice(session, actor, objection, choice, text)
    elif choice:
        raise CorrectionInvalid("Een gekozen correctie hoort alleen bij een gegrond bezwaar.")

    before = snapshot(objection, "status", "decided_by_id", "decided_at", "decision_reason")
    objection.status, objection.decided_by_id, objection.decided_at = new_status, actor.id, clock.now()
    objection.decision_reason = text
    session.flush()
    record(session, actor, f"objection.{new_status}", "objection", objection.id, before=before,
           after={**snapshot(objection, "status", "decided_by_id", "decided_at", "decision_reason"),
                  "corrected": corrected})
    notifications.objection_decided(session, objection)
    return objection


def _apply_choice(session: Session, actor: User, objection: Objection, choice: str | None, text: str) -> dict:
    """Apply the chosen correction (it must be one the page offered) as a new version or a new decision."""
    claim = _lock_claim(session, objection.claim_id)
    offered = {c.value: c for c in choices_for(session, objection, claim)}
    if not offered:
        return {}  # nothing left to correct (e.g. already reinstated): upholding records the decision only
    if choice not in offered:
        raise CorrectionInvalid("Kies de correctie die het bezwaar gegrond maakt (veld ‘Correctie’).")
    kind, _, rest = choice.partition(":")
    note = f"Bezwaar {objection.id} gegrond: {text}"
    if kind == "end_reason":
        trajectory_id, _, end_reason = rest.partition(":")
        trajectory = session.get(Trajectory, int(trajectory_id))
        correct_fact(session, actor, trajectory, "end_reason", end_reason, note=note, objection=objection)
        return {"trajectory": trajectory.ref, "end_reason": end_reason}
    other = session.get(MilestoneClaim, int(rest))
    if kind == "reinstate":
        reinstate_claim(session, actor, other, reason_text=note, objection_id=objection.id)
        return {"claim": other.ref, "review": "approved"}
    revoke_approval(session, actor, other, reason_text=note, objection_id=objection.id)
    return {"claim": other.ref, "review": "revoked", "counts": claim.ref}


def _correct_claim(session: Session, actor: User, objection: Objection, corrected_date: date | None,
                   text: str) -> dict:
    """Record the corrected date within its bounds as a new version of the fact (audited)."""
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
    subject = claim.trajectory if correction.field == "start" else claim
    correct_fact(session, actor, subject, correction.field, corrected_date,
                 note=f"Bezwaar {objection.id} gegrond: {text}", objection=objection)
    return {correction.field: corrected_date.isoformat()}


def _no_valid_date(correction: Correction, claim: MilestoneClaim) -> str:
    if correction.field == "start":
        return (f"Geen startdatum past: de mijlpaal ({nl_date(claim.date)}) ligt vóór het begin van het contract "
                f"({nl_date(correction.earliest)}). Op het traject valt niets te corrigeren.")
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
