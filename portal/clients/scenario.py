"""The client facts in scenario import and export: the optional `facts` key of a client.

A scenario without it imports as before: the client's `target_group` and `benefit` become
undated facts (portal.clients.service.initial_facts); the import writes the file's facts after
them (portal.scenarios.bulk.insert_clients).
"""
from __future__ import annotations

from collections.abc import Iterable

import settlement
from settlement.model import ClientFact as ScenarioFact
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ClientProfile
from ..models.client_enums import LANGUAGE_LEVELS
from ..models.enums import BENEFITS, TARGET_GROUPS
from .facts import load_histories

VOCABULARIES = {"target_group": TARGET_GROUPS, "benefit": BENEFITS, "language_level": LANGUAGE_LEVELS}


def fact_problems(session: Session, facts, path: str, profiles: set[str] | None = None) -> list:
    """Name every fact with a value unknown for its kind (profiles: the admin's list, read if not given)."""
    if not facts:
        return []
    if profiles is None:
        profiles = set(session.scalars(select(ClientProfile.code)))
    problems = []
    for k, fact in enumerate(facts):
        known = profiles if fact.kind == "profile" else VOCABULARIES.get(fact.kind, ())
        if fact.value not in known:
            problems.append(settlement.Problem(f"{path}[{k}].value", f"unknown {fact.kind} {fact.value!r} "
                                               f"(one of {', '.join(sorted(known)) or 'no profiles yet'})"))
    return problems


def exported_facts(session: Session, client_ids: Iterable[int]) -> dict[int, tuple[ScenarioFact, ...] | None]:
    """Every client's facts in recording order (None when it has none, so the key stays out)."""
    histories = load_histories(session, client_ids)
    return {client_id: tuple(ScenarioFact(kind=kind, value=value, valid_from=valid_from, member=member)
                             for valid_from, _id, kind, value, member in h.rows) or None
            for client_id, h in histories.items()}
