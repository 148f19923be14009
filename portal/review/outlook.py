"""The claim page's "what the settlement would do with it": the engine's line for this claim if approved today.

The portal loads the contract's facts (as a settlement run does) and asks the engine
(`settlement.outlook_if_approved`); it never judges lateness, windows or volume itself.
"""
from __future__ import annotations

from datetime import date

import settlement
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..finance.facts import load_contract, load_facts
from ..models import MilestoneClaim, Municipality


def claim_outlook(session: Session, claim: MilestoneClaim, today: date) -> settlement.ClaimOutlook | None:
    """The engine's answer for a pending claim as if approved today; None for a decided claim."""
    if claim.review != "pending":
        return None
    contract = load_contract(session, claim.trajectory.contract.code)
    facts = load_facts(session, contract)
    names = dict(session.execute(select(Municipality.cbs_code, Municipality.name)).all())
    try:
        return settlement.outlook_if_approved(facts.contract, facts.trajectories, facts.milestones, claim.ref, today,
                                              municipality_names=names)
    except LookupError:  # the trajectory has not started (no facts for the engine yet)
        return None
