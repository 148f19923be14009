"""The review queue: pending claims oldest first, with their age in working days; set-based and paginated."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import scope_trajectories
from ..models import Contract, EvidenceFile, MilestoneClaim, Municipality, Provider, Trajectory, User

# A claim waiting longer than this many working days is flagged in the queue.
OVERDUE_AFTER_WORKING_DAYS = 10


def working_days_between(start: date, end: date) -> int:
    """Count the working days (Monday to Friday) after `start` up to and including `end`."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    return weeks * 5 + sum(1 for i in range(1, rest + 1) if (weekday + i) % 7 < 5)


def overdue_cutoff(today: date) -> date:
    """Return the latest submission date that has waited more than the allowed working days by `today`."""
    day = today
    while working_days_between(day, today) <= OVERDUE_AFTER_WORKING_DAYS:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class QueueRow:
    claim_id: int
    ref: str
    type: str
    date: date
    submitted: date
    trajectory_id: int
    trajectory_ref: str
    contract_code: str
    provider_name: str
    municipality_name: str
    evidence_count: int
    age: int  # working days waiting

    @property
    def overdue(self) -> bool:
        return self.age > OVERDUE_AFTER_WORKING_DAYS


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def pending_claims(session: Session, user: User, *, today: date, contract_id: int | None = None,
                   provider_id: int | None = None, overdue: bool = False, page: int = 1,
                   per_page: int = 50) -> Page:
    """Return one page of pending claims in the user's scope, oldest submission first."""
    query = (select(MilestoneClaim.id, MilestoneClaim.ref, MilestoneClaim.type, MilestoneClaim.date,
                    MilestoneClaim.submitted, Trajectory.id, Trajectory.ref, Contract.code, Provider.name,
                    Municipality.name)
             .join(MilestoneClaim.trajectory).join(Trajectory.contract).join(Contract.provider)
             .join(Trajectory.municipality)
             .where(MilestoneClaim.review == "pending"))
    query = scope_trajectories(user, query)
    if contract_id is not None:
        query = query.where(Trajectory.contract_id == contract_id)
    if provider_id is not None:
        query = query.where(Trajectory.provider_id == provider_id)
    if overdue:
        query = query.where(MilestoneClaim.submitted <= overdue_cutoff(today))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    number = min(max(page, 1), pages)
    found = session.execute(query.order_by(MilestoneClaim.submitted, MilestoneClaim.id)
                            .limit(per_page).offset((number - 1) * per_page)).all()
    counts = evidence_counts(session, [r[0] for r in found])
    rows = [QueueRow(claim_id, ref, type_, happened, submitted, trajectory_id, trajectory_ref, contract_code,
                     provider_name, municipality_name, counts.get(claim_id, 0),
                     working_days_between(submitted, today))
            for (claim_id, ref, type_, happened, submitted, trajectory_id, trajectory_ref, contract_code,
                 provider_name, municipality_name) in found]
    return Page(rows, number, per_page, total)


def evidence_counts(session: Session, claim_ids: list[int]) -> dict[int, int]:
    """Return the number of evidence files per claim, in one query."""
    if not claim_ids:
        return {}
    return dict(session.execute(select(EvidenceFile.claim_id, func.count()).where(
        EvidenceFile.claim_id.in_(claim_ids)).group_by(EvidenceFile.claim_id)).all())


def filter_choices(session: Session) -> tuple[list, list]:
    """Return the contracts (id, code, bureau) and bureaus (id, name) the queue can be filtered on."""
    contracts = session.execute(select(Contract.id, Contract.code, Provider.name).join(Contract.provider)
                                .order_by(Contract.code)).all()
    providers = session.execute(select(Provider.id, Provider.name).order_by(Provider.name)).all()
    return contracts, providers
