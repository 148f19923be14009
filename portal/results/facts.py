"""The facts the results pages add to the engine's: who a trajectory's client is, per trajectory row."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import models as m
from ..clients.facts import facts_at
from ..models.enums import TARGET_GROUPS

UNKNOWN = "onbekend"


class TrajectoryRow(NamedTuple):
    """One trajectory of a contract as the results pages count it (also referred and declined ones).

    A NamedTuple, like the engine's Line: one is built per trajectory, and a tuple is many
    times cheaper to build than a frozen dataclass.
    """

    id: int
    ref: str
    contract_id: int
    municipality_id: int
    status: str
    referred_on: date
    start: date | None
    end: date | None
    end_reason: str | None
    target_group: str
    benefit: str


def target_groups_for(session: Session, trajectory_ids: Select | Iterable[int]) -> dict[int, tuple[str, str]]:
    """Return trajectory id -> (target group, benefit) of its client when the trajectory started.

    The one place that reads a client's target group for the results pages. Target groups are dated
    client facts (`portal.clients.facts`): what counts is what held on the trajectory's start (its
    referral while it has not started). A client in several groups at once is counted in the first in
    `TARGET_GROUPS` order, so every trajectory is counted once and the mixes add up to 100 %.
    """
    ids = trajectory_ids if isinstance(trajectory_ids, Select) else list(trajectory_ids)
    rows = session.execute(
        select(m.Trajectory.id, m.Trajectory.client_id, func.coalesce(m.Trajectory.start, m.Trajectory.referred_on))
        .where(m.Trajectory.id.in_(ids))).all()
    facts = facts_at(session, rows)
    return {tid: (_first_group(f.target_groups), f.benefit or UNKNOWN) for tid, f in facts.items()}


def _first_group(groups: frozenset[str]) -> str:
    return next((g for g in TARGET_GROUPS if g in groups), UNKNOWN)


def trajectory_rows(session: Session, contract_ids: Iterable[int]) -> list[TrajectoryRow]:
    """Return every trajectory of the contracts with its client's target group and benefit."""
    ids = list(contract_ids)
    if not ids:
        return []
    rows = session.execute(
        select(m.Trajectory.id, m.Trajectory.ref, m.Trajectory.contract_id, m.Trajectory.municipality_id,
               m.Trajectory.status, m.Trajectory.referred_on, m.Trajectory.start, m.Trajectory.end,
               m.Trajectory.end_reason)
        .where(m.Trajectory.contract_id.in_(ids))).all()
    groups = target_groups_for(session, select(m.Trajectory.id).where(m.Trajectory.contract_id.in_(ids)))
    make, unknown = TrajectoryRow._make, (UNKNOWN, UNKNOWN)
    return [make((*row, *groups.get(row[0], unknown))) for row in rows]
