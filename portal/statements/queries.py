"""The bureau's statements: its issued settlement runs, their lines and documents, in a few set-based queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ..access import scope_invoices, scope_runs
from ..models import Contract, Invoice, Municipality, Objection, SettlementLine, SettlementRun, User
from ..objections.queries import Page, paginate
from ..objections.service import objectable

ZERO = Decimal("0.00")
# A line's status in words; the shared label of "pending" ("In behandeling") is a claim's review state.
LINE_STATUS = {"payable": "Betaalbaar", "partial": "Deels betaalbaar", "withheld": "Ingehouden",
               "pending": "In afwachting"}
AMOUNTS = ("amount", "payable", "withheld", "pending", "previously_invoiced", "delta")


def own_issued_runs(user: User, query: Select) -> Select:
    """Restrict a run query to the runs this bureau may read (access.scope_runs) that are its own and issued.

    The explicit own-bureau filter keeps "mijn afrekeningen" the bureau's own also for a user who
    has a staff role besides.
    """
    return (query.join(Contract, Contract.id == SettlementRun.contract_id)
            .where(SettlementRun.id.in_(scope_runs(user, select(SettlementRun.id))),
                   Contract.provider_id == user.provider_id, SettlementRun.status == "issued"))


@dataclass(frozen=True)
class Document:
    id: int
    run_id: int
    kind: str
    display_number: str
    municipality: str
    issue_date: date
    subtotal: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class RunSummary:
    run: SettlementRun
    contract: Contract
    documents: list[Document]


def issued_runs(session: Session, user: User, *, page: int = 1, per_page: int = 50) -> Page:
    """Return one page of the bureau's issued runs, the newest first, each with its documents."""
    query = own_issued_runs(user, select(SettlementRun, Contract))
    rows, number, total = paginate(session, query, page, per_page,
                                   (SettlementRun.as_of.desc(), SettlementRun.approved_at.desc(),
                                    SettlementRun.id.desc()))
    documents = run_documents(session, user, [run.id for run, _ in rows])
    return Page([RunSummary(run, contract, documents.get(run.id, [])) for run, contract in rows], number,
                per_page, total)


def run_documents(session: Session, user: User, run_ids: list[int]) -> dict[int, list[Document]]:
    """Return the invoices and credit notes of these runs the user may see, per run."""
    if not run_ids:
        return {}
    query = scope_invoices(user, select(Invoice.id, Invoice.run_id, Invoice.kind, Invoice.display_number,
                                        Municipality.name, Invoice.issue_date, Invoice.subtotal, Invoice.vat,
                                        Invoice.total)
                           .join(Municipality, Municipality.id == Invoice.municipality_id))
    found: dict[int, list[Document]] = {}
    for row in session.execute(query.where(Invoice.run_id.in_(run_ids)).order_by(Invoice.run_id,
                                                                                  Invoice.display_number)):
        found.setdefault(row.run_id, []).append(Document(*row))
    return found


def get_statement_run(session: Session, user: User, run_id: int) -> SettlementRun:
    """Load one of the bureau's issued runs, or 404 (another bureau's run, or one not issued)."""
    run = session.scalar(own_issued_runs(user, select(SettlementRun)).where(SettlementRun.id == run_id))
    if run is None:
        abort(404)
    return run


@dataclass(frozen=True)
class ObjectionState:
    id: int
    status: str


@dataclass(frozen=True)
class StatementLine:
    line: SettlementLine
    objection: ObjectionState | None  # the latest objection against this claim and tranche
    can_object: bool


@dataclass
class Totals:
    amount: Decimal = ZERO
    payable: Decimal = ZERO
    withheld: Decimal = ZERO
    pending: Decimal = ZERO
    previously_invoiced: Decimal = ZERO
    delta: Decimal = ZERO

    def add(self, line: SettlementLine) -> None:
        for name in AMOUNTS:
            setattr(self, name, getattr(self, name) + getattr(line, name))


@dataclass
class MunicipalityPart:
    name: str
    cbs_code: str
    lines: list[StatementLine] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True)
class Statement:
    run: SettlementRun
    contract: Contract
    municipalities: list[MunicipalityPart]
    totals: Totals
    documents: list[Document]


def statement(session: Session, user: User, run: SettlementRun) -> Statement:
    """Return the run's lines per municipality (by CBS code) with totals, objections and documents."""
    rows = session.execute(select(SettlementLine, Municipality.name, Municipality.cbs_code)
                           .join(Municipality, Municipality.id == SettlementLine.municipality_id)
                           .where(SettlementLine.run_id == run.id)
                           .order_by(Municipality.cbs_code, SettlementLine.position)).all()
    objections = latest_objections(session, user, {line.claim_id for line, _, _ in rows if line.claim_id})
    parts: dict[str, MunicipalityPart] = {}
    totals = Totals()
    for line, name, cbs_code in rows:
        part = parts.setdefault(cbs_code, MunicipalityPart(name, cbs_code))
        latest = objections.get((line.claim_id, line.tranche_code))
        part.lines.append(StatementLine(line, latest, objectable(line) and (latest is None or latest.status != "open")))
        part.totals.add(line)
        totals.add(line)
    return Statement(run, run.contract, list(parts.values()), totals,
                     run_documents(session, user, [run.id]).get(run.id, []))


def latest_objections(session: Session, user: User, claim_ids: set[int]) -> dict[tuple[int, str], ObjectionState]:
    """Return the bureau's latest objection per (claim, tranche), an open one before any decided one."""
    if not claim_ids:
        return {}
    rows = session.execute(select(Objection.id, Objection.status, Objection.claim_id, SettlementLine.tranche_code)
                           .join(SettlementLine, SettlementLine.id == Objection.settlement_line_id)
                           .where(Objection.claim_id.in_(claim_ids), Objection.provider_id == user.provider_id)
                           .order_by(Objection.id))
    found: dict[tuple[int, str], ObjectionState] = {}
    for objection_id, status, claim_id, tranche in rows:
        key = (claim_id, tranche)
        if key not in found or found[key].status != "open":
            found[key] = ObjectionState(objection_id, status)
    return found
