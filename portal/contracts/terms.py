"""Contract terms as numbered versions: the snapshot format, the version in force, and applying a version.

A version's `terms` is the contract exactly as a scenario's `contracts[]` entry
(reintegratie-scenario/1): the engine's own parser validates it and turns it into a
`settlement.Contract`, so a version can always be settled as it was recorded.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import settlement
from settlement.glossary import SCENARIO_FORMAT
from settlement.scenario_writer import dump_contract
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from .. import clock
from .. import models as m
from ..audit import record
from ..finance.facts import contract_terms

FIRST_VERSION_REASON = "Oorspronkelijke contractvoorwaarden"
_MONEY_KEYS = ("price", "amount")


def canonical_terms(contract: settlement.Contract) -> dict:
    """Write an engine Contract as a snapshot: scenario-shaped, money in cents, other decimals plain."""
    return _canonical(dump_contract(contract))


def _canonical(value, key: str | None = None):
    if isinstance(value, dict):
        items = sorted(value.items()) if key == "municipality_caps" else value.items()
        return {k: _canonical(v, k) for k, v in items}
    if isinstance(value, list):
        return [_canonical(v, key) for v in value]
    if isinstance(value, str) and key in _MONEY_KEYS:
        return f"{Decimal(value):.2f}"
    if isinstance(value, str) and key in ("vat_rate", "share", "rate", "min_ratio", "pay"):
        return format(Decimal(value).normalize(), "f")
    return value


def snapshot_of(contract: m.Contract) -> dict:
    """Return a contract row's current terms (columns and child tables) as a snapshot."""
    cap_codes = {c.municipality_id: c.municipality.cbs_code for c in contract.municipality_caps}
    return canonical_terms(contract_terms(contract, cap_codes))


def scenario_document(terms: dict, municipalities: dict[str, str], providers: dict[str, str],
                      consortium: tuple[str, str] = ("C", "Consortium")) -> dict:
    """Wrap one contract's terms in the smallest scenario document the engine's parser accepts."""
    return {
        "format": SCENARIO_FORMAT, "as_of": "2000-01-01",
        "consortium": {"code": consortium[0], "name": consortium[1]},
        "municipalities": [{"code": code, "name": name} for code, name in municipalities.items()],
        "providers": [{"code": code, "name": name} for code, name in providers.items()],
        "contracts": [terms], "trajectories": [], "milestones": [],
    }


def parse_terms(terms: dict) -> settlement.Contract:
    """Validate a stored snapshot with the engine's parser and return the engine's Contract."""
    caps = terms.get("municipality_caps") or {}
    document = scenario_document(terms, {code: code for code in caps}, {terms["provider"]: terms["provider"]})
    return settlement.parse_scenario(document).contracts[0]


# -- versions ---------------------------------------------------------------------------------


def versions(session: Session, contract_id: int) -> list[m.ContractTermsVersion]:
    """All versions of a contract, newest first."""
    return list(session.scalars(select(m.ContractTermsVersion).where(
        m.ContractTermsVersion.contract_id == contract_id).order_by(m.ContractTermsVersion.number.desc())))


def current_version(session: Session, contract_id: int) -> m.ContractTermsVersion | None:
    """The approved version now in force (the highest approved number)."""
    return session.scalar(select(m.ContractTermsVersion).where(
        m.ContractTermsVersion.contract_id == contract_id, m.ContractTermsVersion.status == "approved")
        .order_by(m.ContractTermsVersion.number.desc()).limit(1))


def terms_version_at(session: Session, contract_id: int, at: datetime) -> m.ContractTermsVersion | None:
    """The approved version in force at moment `at`: the last one approved on or before it.

    Version 1 holds the original terms, so it is in force from the beginning, also for runs
    drafted before it was recorded (existing contracts got it when versions were introduced).
    None only for a contract that has no version recorded at all.
    """
    approved = (select(m.ContractTermsVersion)
                .where(m.ContractTermsVersion.contract_id == contract_id,
                       m.ContractTermsVersion.status == "approved"))
    found = session.scalar(approved.where(m.ContractTermsVersion.decided_at <= at)
                           .order_by(m.ContractTermsVersion.number.desc()).limit(1))
    if found is None:
        found = session.scalar(approved.order_by(m.ContractTermsVersion.number).limit(1))
    return found


def recorded_contract_terms(contract: m.Contract, at: datetime) -> settlement.Contract:
    """The engine's terms of a contract as recorded at `at` (its current terms when no version exists)."""
    version = terms_version_at(object_session(contract), contract.id, at)
    if version is None:
        cap_codes = {c.municipality_id: c.municipality.cbs_code for c in contract.municipality_caps}
        return contract_terms(contract, cap_codes)
    return parse_terms(version.terms)


def record_first_version(session: Session, contract: m.Contract, actor: m.User | None,
                         reason: str = FIRST_VERSION_REASON) -> m.ContractTermsVersion:
    """Record a new contract's terms as version 1, approved on creation."""
    session.flush()
    now = clock.now()
    version = m.ContractTermsVersion(
        contract_id=contract.id, number=1, terms=snapshot_of(contract), status="approved", reason=reason,
        proposed_by_id=actor.id if actor else None, proposed_at=now,
        decided_by_id=actor.id if actor else None, decided_at=now)
    session.add(version)
    session.flush()
    record(session, actor, "contract_terms.version_recorded", "contract", contract.id,
           after={"number": 1, "reason": reason})
    return version


def ensure_first_version(session: Session, contract: m.Contract, actor: m.User | None = None) -> None:
    """Give a contract created without versions (older code paths, test factories) its version 1."""
    if session.scalar(select(m.ContractTermsVersion.id).where(
            m.ContractTermsVersion.contract_id == contract.id).limit(1)) is None:
        record_first_version(session, contract, actor)


# -- applying terms to the contract row ---------------------------------------------------------


def apply_terms(session: Session, contract: m.Contract, terms: settlement.Contract) -> None:
    """Write an engine Contract's terms into the contract's columns and child tables (flushes)."""
    contract.start, contract.end = terms.start, terms.end
    contract.price, contract.vat_rate = terms.price, terms.vat_rate
    contract.max_trajectories = terms.max_trajectories
    contract.submission_deadline_days = terms.submission_deadline_days
    norm = terms.norm
    contract.norm_milestone = norm.milestone if norm else None
    contract.norm_rate = norm.rate if norm else None
    contract.norm_measurement_months = norm.measurement_months if norm else None
    contract.norm_window_months = norm.window_months if norm else None
    # Children are replaced: empty them first, so the unique keys of old and new rows never meet in one flush.
    contract.tranches, contract.staffel, contract.excluded_end_reasons = [], [], []
    contract.funding, contract.municipality_caps = [], []
    session.flush()
    municipality_ids = dict(session.execute(select(m.Municipality.cbs_code, m.Municipality.id).where(
        m.Municipality.cbs_code.in_(list(terms.municipality_caps or {})))).all())
    contract.tranches = [m.Tranche(position=i, code=t.code, milestone_type=t.milestone, share=t.share,
                                   amount=t.amount, result=t.result) for i, t in enumerate(terms.tranches)]
    if norm is not None:
        contract.staffel = [m.StaffelStep(min_ratio=s.min_ratio, pay=s.pay) for s in norm.staffel]
        contract.excluded_end_reasons = [m.ExcludedEndReason(end_reason=r)
                                         for r in dict.fromkeys(norm.excluded_end_reasons)]
    contract.funding = [m.FundingShare(position=i, source=f.source, share=f.share)
                        for i, f in enumerate(terms.funding)]
    contract.municipality_caps = [m.MunicipalityCap(municipality_id=municipality_ids[code], cap=cap)
                                  for code, cap in (terms.municipality_caps or {}).items()]
    session.flush()


# -- what changed between versions, in words ------------------------------------------------------

_TOP_LABELS = {"start": "begindatum", "end": "einddatum", "price": "prijs", "vat_rate": "btw-tarief",
               "max_trajectories": "maximaal aantal trajecten", "submission_deadline_days": "indientermijn (dagen)",
               "tranches": "betaalschema", "funding": "financiering"}
_NORM_LABELS = {"milestone": "normresultaat", "rate": "norm (%)", "measurement_months": "meetperiode",
                "window_months": "resultaattermijn", "excluded_end_reasons": "neutrale uitstroom",
                "staffel": "staffel"}


def describe_change(old: dict, new: dict, municipality_names: dict[str, str]) -> str:
    """Say in Dutch what differs between two snapshots, e.g. `plafond Alkmaar 10 → 14; prijs 4000.00 → 4200.00`."""
    def show(value) -> str:
        return "—" if value is None else str(value)

    parts = []
    for key, text in _TOP_LABELS.items():
        if old.get(key) != new.get(key):
            parts.append(text if isinstance(new.get(key) or old.get(key), list)
                         else f"{text} {show(old.get(key))} → {show(new.get(key))}")
    old_caps, new_caps = old.get("municipality_caps") or {}, new.get("municipality_caps") or {}
    for code in sorted(set(old_caps) | set(new_caps)):
        if old_caps.get(code) != new_caps.get(code):
            parts.append(f"plafond {municipality_names.get(code, code)} {show(old_caps.get(code))} → "
                         f"{show(new_caps.get(code))}")
    old_norm, new_norm = old.get("norm"), new.get("norm")
    if (old_norm is None) != (new_norm is None):
        parts.append("prestatienorm toegevoegd" if new_norm else "prestatienorm vervallen")
    elif old_norm is not None:
        for key, text in _NORM_LABELS.items():
            if old_norm.get(key) != new_norm.get(key):
                parts.append(text if isinstance(new_norm.get(key), list)
                             else f"{text} {show(old_norm.get(key))} → {show(new_norm.get(key))}")
    return "; ".join(parts) or "geen verschil"


def version_changes(history: list[m.ContractTermsVersion], municipality_names: dict[str, str]) -> dict[int, str]:
    """Per version number: what it changes compared with the approved version before it."""
    changes = {}
    previous = None
    for version in sorted(history, key=lambda v: v.number):
        if previous is None:
            changes[version.number] = "oorspronkelijke voorwaarden" if version.status == "approved" else ""
        else:
            changes[version.number] = describe_change(previous.terms, version.terms, municipality_names)
        if version.status == "approved":
            previous = version
    return changes
