"""The facts the results pages add to the engine's: who a trajectory's client is, per trajectory row."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m

UNKNOWN = "onbekend"


@dataclass(frozen=True, slots=True)
class TrajectoryRow:
    """One trajectory of a contract as the results pages count it (also referred and declined ones)."""

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


def target_groups_for(session: Session, trajectory_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Return trajectory id -> (target group, benefit) of its client.

    The one place that reads a client's target group: when target groups become dated,
    only this function changes (to the group on the reference date).
    """
    ids = list(trajectory_ids)
    found: dict[int, tuple[str, str]] = {}
    # Chunked: PostgreSQL and SQLite both limit the parameters of one statement.
    for offset in range(0, len(ids), 20_000):
        chunk = ids[offset:offset + 20_000]
        rows = session.execute(
            select(m.Trajectory.id, m.Client.target_group, m.Client.benefit)
            .join(m.Client, m.Client.id == m.Trajectory.client_id)
            .where(m.Trajectory.id.in_(chunk))).all()
        found.update((tid, (group or UNKNOWN, benefit or UNKNOWN)) for tid, group, benefit in rows)
    return found


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
    groups = target_groups_for(session, (row[0] for row in rows))
    return [TrajectoryRow(*row, *groups.get(row[0], (UNKNOWN, UNKNOWN))) for row in rows]
