"""Contract amendments with four eyes: an admin proposes new terms with a reason, someone else decides.

On approval the contract's current columns and child tables are rewritten from the approved
snapshot in the same transaction, so every reader of the current terms (previews, runs) sees them.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from .. import models as m
from ..audit import record
from .states import AmendmentRefused, next_status
from .terms import apply_terms, canonical_terms, current_version, ensure_first_version, parse_terms

PROPOSERS = ("admin",)
DECIDERS = ("admin", "finance")


def _lock(session: Session, contract: m.Contract) -> None:
    # One amendment decision per contract at a time (a no-op on SQLite, which locks the whole database).
    session.execute(select(m.Contract.id).where(m.Contract.id == contract.id).with_for_update())


def open_proposal(session: Session, contract_id: int) -> m.ContractTermsVersion | None:
    return session.scalar(select(m.ContractTermsVersion).where(
        m.ContractTermsVersion.contract_id == contract_id, m.ContractTermsVersion.status == "proposed"))


def propose_amendment(session: Session, actor: m.User, contract: m.Contract, terms, reason: str
                      ) -> m.ContractTermsVersion:
    """Record new terms (a validated settlement.Contract) as the next numbered version, proposed."""
    if not actor.has_role(*PROPOSERS):
        raise AmendmentRefused("Alleen functioneel beheer stelt een contractwijziging voor.")
    reason = (reason or "").strip()
    if not reason:
        raise AmendmentRefused("Geef de reden van de wijziging.", "reason")
    _lock(session, contract)
    ensure_first_version(session, contract)
    if open_proposal(session, contract.id) is not None:
        raise AmendmentRefused("Er wacht al een voorgestelde wijziging op goedkeuring; beslis daar eerst over.")
    snapshot = canonical_terms(terms)
    if snapshot["code"] != contract.code or snapshot["provider"] != contract.provider.code \
            or snapshot["segment"] != contract.segment:
        raise AmendmentRefused("Contractcode, re-integratiebedrijf en segment veranderen niet bij een wijziging.")
    if snapshot == current_version(session, contract.id).terms:
        raise AmendmentRefused("Deze voorwaarden zijn gelijk aan de huidige: er is niets te wijzigen.")
    number = session.scalar(select(func.max(m.ContractTermsVersion.number)).where(
        m.ContractTermsVersion.contract_id == contract.id)) + 1
    version = m.ContractTermsVersion(contract_id=contract.id, number=number, terms=snapshot, status="proposed",
                                     reason=reason, proposed_by_id=actor.id, proposed_at=clock.now())
    session.add(version)
    session.flush()
    record(session, actor, "contract_terms.proposed", "contract", contract.id,
           after={"number": number, "reason": reason, "terms": snapshot})
    return version


def approve_amendment(session: Session, actor: m.User, version: m.ContractTermsVersion,
                      note: str | None = None) -> None:
    """Approve a proposal (not by its proposer) and make it the contract's current terms."""
    contract = _decide(session, actor, version, "approve", note)
    before = current_version(session, contract.id)
    apply_terms(session, contract, parse_terms(version.terms))
    version.status = next_status(version.status, "approve")
    version.decided_by_id, version.decided_at = actor.id, clock.now()
    version.decision_note = (note or "").strip() or None
    session.flush()
    record(session, actor, "contract_terms.approved", "contract", contract.id,
           before={"number": before.number, "terms": before.terms},
           after={"number": version.number, "terms": version.terms})


def reject_amendment(session: Session, actor: m.User, version: m.ContractTermsVersion, note: str) -> None:
    """Reject a proposal (not by its proposer), with a reason; the contract's terms stay as they are."""
    note = (note or "").strip()
    if not note:
        raise AmendmentRefused("Geef de reden van de afwijzing.", "note")
    _decide(session, actor, version, "reject", note)
    version.status = next_status(version.status, "reject")
    version.decided_by_id, version.decided_at, version.decision_note = actor.id, clock.now(), note
    session.flush()
    record(session, actor, "contract_terms.rejected", "contract", version.contract_id,
           after={"number": version.number, "note": note})


def _decide(session: Session, actor: m.User, version: m.ContractTermsVersion, action: str, note) -> m.Contract:
    if not actor.has_role(*DECIDERS):
        raise AmendmentRefused("Alleen functioneel beheer of financiën beslist over een contractwijziging.")
    contract = session.get(m.Contract, version.contract_id)
    _lock(session, contract)
    session.refresh(version)
    next_status(version.status, action)  # raises InvalidTransition for a version already decided
    if version.proposed_by_id == actor.id:
        raise AmendmentRefused("Vier ogen: wie de wijziging voorstelde, kan er niet zelf over beslissen.")
    return contract
