"""A settlement preview: the engine's answer for one contract as of a date, nothing stored."""
from __future__ import annotations

from datetime import date

import settlement
from sqlalchemy.orm import Session

from .. import models as m
from .facts import load_facts


def preview(session: Session, contract: m.Contract, as_of: date) -> settlement.ContractSettlement:
    """Evaluate the contract as of a date from the database's facts."""
    facts = load_facts(session, contract)
    return settlement.evaluate_contract(facts.contract, facts.trajectories, facts.milestones, as_of)


def preview_document(result: settlement.ContractSettlement) -> dict:
    """Return the settlement document (reintegratie-settlement/1) holding this one contract."""
    return settlement.settlement_document(settlement.Settlement(as_of=result.as_of, contracts=(result,)))
