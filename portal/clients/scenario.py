"""The client facts in scenario import and export: the optional `facts` key of a client.

A scenario without it imports as before: the client's `target_group` and `benefit` become
undated facts (portal.clients.service.initial_facts). The facts written here come after them.
"""
from __future__ import annotations

from collections.abc import Iterable

import settlement
from settlement.model import ClientFact as ScenarioFact
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..audit import record
from ..models import Client, ClientFact, ClientProfile, User
from ..models.client_enums import LANGUAGE_LEVELS
from ..models.enums import BENEFITS, TARGET_GROUPS
from .facts import load_histories

VOCABULARIES = {"target_group": TARGET_GROUPS, "benefit": BENEFITS, "language_level": LANGUAGE_LEVELS}


def fact_problems(session: Session, facts, path: str) -> list:
    """Name every fact with a value unknown for its kind (profiles: the admin's list)."""
    if not facts:
        return []
    profiles = set(session.scalars(select(ClientProfile.code)))
    problems = []
    for k, fact in enumerate(facts):
        known = profiles if fact.kind == "profile" else VOCABULARIES.get(fact.kind, ())
        if fact.value not in known:
            problems.append(settlement.Problem(f"{path}[{k}].value", f"unknown {fact.kind} {fact.value!r} "
                                               f"(one of {', '.join(sorted(known)) or 'no profiles yet'})"))
    return problems


def store_facts(session: Session, client: Client, facts, actor: User | None) -> None:
    if not facts:
        return
    # The registration facts (from target_group and benefit) are already there: an exported scenario round-trips.
    present = {(kind, value, valid_from, member) for valid_from, _id, kind, value, member
               in load_histories(session, [client.id])[client.id].rows}
    new = [f for f in facts if (f.kind, f.value, f.valid_from, f.member) not in present]
    session.add_all(ClientFact(client_id=client.id, kind=f.kind, value=f.value, valid_from=f.valid_from,
                               member=f.member, recorded_at=clock.now(),
                               recorded_by_id=actor.id if actor else None) for f in new)
    session.flush()
    record(session, actor, "client.facts_imported", "client", client.id, after={"facts": len(facts)})


def exported_facts(session: Session, client_ids: Iterable[int]) -> dict[int, tuple[ScenarioFact, ...] | None]:
    """Every client's facts in recording order (None when it has none, so the key stays out)."""
    histories = load_histories(session, client_ids)
    return {client_id: tuple(ScenarioFact(kind=kind, value=value, valid_from=valid_from, member=member)
                             for valid_from, _id, kind, value, member in h.rows) or None
            for client_id, h in histories.items()}
