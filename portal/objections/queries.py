"""Lists of objections, scoped to the user: set-based and paginated."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from ..access import scope_objections
from ..models import Contract, Objection, Provider, SettlementLine, SettlementRun, User


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def paginate(session: Session, query: Select, page: int, per_page: int, order_by) -> tuple[list, int, int]:
    """Return (rows of the page, page number within range, total) for a query."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(max(page, 1), max(1, math.ceil(total / per_page)))
    rows = session.execute(query.order_by(*order_by).limit(per_page).offset((number - 1) * per_page)).all()
    return rows, number, total


@dataclass(frozen=True)
class ObjectionRow:
    id: int
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    reason_objected: str
    provider_name: str
    contract_code: str
    run_id: int
    as_of: date
    trajectory_ref: str
    milestone_ref: str
    tranche_code: str
    withheld: Decimal


def _rows_query(user: User) -> Select:
    query = (select(Objection.id, Objection.status, Objection.created_at, Objection.decided_at,
                    Objection.decision_reason, Objection.reason_objected, Provider.name, Contract.code,
                    SettlementRun.id, SettlementRun.as_of, SettlementLine.trajectory_ref,
                    SettlementLine.milestone_ref, SettlementLine.tranche_code, SettlementLine.withheld)
             .join(SettlementLine, SettlementLine.id == Objection.settlement_line_id)
             .join(SettlementRun, SettlementRun.id == SettlementLine.run_id)
             .join(Contract, Contract.id == SettlementRun.contract_id)
             .join(Provider, Provider.id == Objection.provider_id))
    return scope_objections(user, query)


def objection_queue(session: Session, user: User, *, contract_id: int | None = None,
                    provider_id: int | None = None, status: str | None = None, page: int = 1,
                    per_page: int = 50) -> Page:
    """Return one page of objections: open ones first, then the oldest first."""
    query = _rows_query(user)
    if contract_id is not None:
        query = query.where(Contract.id == contract_id)
    if provider_id is not None:
        query = query.where(Objection.provider_id == provider_id)
    if status is not None:
        query = query.where(Objection.status == status)
    rows, number, total = paginate(session, query, page, per_page,
                                   (case((Objection.status == "open", 0), else_=1), Objection.created_at,
                                    Objection.id))
    return Page([ObjectionRow(*row) for row in rows], number, per_page, total)


def my_objections(session: Session, user: User, *, page: int = 1, per_page: int = 50) -> Page:
    """Return one page of the bureau's own objections, the newest first."""
    rows, number, total = paginate(session, _rows_query(user), page, per_page,
                                   (Objection.created_at.desc(), Objection.id.desc()))
    return Page([ObjectionRow(*row) for row in rows], number, per_page, total)
