"""Demo data for contract terms: version 1 of every contract, one approved amendment, one waiting for approval."""
from __future__ import annotations

import dataclasses
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from .contracts.amendments import approve_amendment, propose_amendment
from .contracts.terms import ensure_first_version, parse_terms, snapshot_of
from .models import Contract, User


def build_contract_terms_demo(session: Session, logins: dict[str, User]) -> None:
    """Record version 1 of the demo contracts; raise Alkmaar's cap on NK-DB-2025-WKN; propose more volume for STV."""
    contracts = {c.code: c for c in session.scalars(select(Contract).order_by(Contract.code))}
    for contract in contracts.values():
        ensure_first_version(session, contract)
    admin, finance = logins["beheer@nk.example"], logins["financien@nk.example"]

    wkn = contracts["NK-DB-2025-WKN"]
    terms = parse_terms(snapshot_of(wkn))
    caps = dict(terms.municipality_caps or {}, **{"0361": 36})
    raised = propose_amendment(session, admin, wkn, dataclasses.replace(terms, municipality_caps=MappingProxyType(
        caps)), "Alkmaar verwijst meer cliënten dan verwacht; plafond Alkmaar van 30 naar 36 (besluit stuurgroep)")
    approve_amendment(session, finance, raised, "Past binnen het budget van Alkmaar")

    stv = contracts["NK-DB-2025-STV"]
    terms = parse_terms(snapshot_of(stv))
    propose_amendment(session, admin, stv, dataclasses.replace(terms, max_trajectories=75),
                      "Wachtlijst directe bemiddeling: maximaal aantal trajecten van 60 naar 75")
