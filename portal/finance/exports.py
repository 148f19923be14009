"""CSV exports for finance: a run's lines for the municipal finance system, and the ESF participant report.

Written for Dutch Excel: `;` separated, UTF-8 with a BOM, dates dd-mm-jjjj, amounts with a
decimal comma. Amounts are written by this module (a negative amount is -123,45 and stays a
number); every free-text cell that starts like a formula (= + - @) gets a leading quote, so
a municipality or reference named "=HYPERLINK(...)" cannot run in a spreadsheet. No BSN and
no names: a participant is known by their pseudonymous client reference only.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from .. import models as m
from ..clients import esf as client_esf
from ..formatting import label

ZERO = Decimal("0.00")
# A settlement line's status in Dutch ("pending" is a review state "in behandeling" elsewhere in the portal).
LINE_STATUS = {"payable": "Betaalbaar", "partial": "Deels betaalbaar", "withheld": "Ingehouden",
               "pending": "In afwachting"}



def funding_sources(session: Session, contract_id: int) -> list[str]:
    """Return the contract's funding sources in contract order."""
    return list(session.scalars(select(m.FundingShare.source).where(m.FundingShare.contract_id == contract_id)
                                .order_by(m.FundingShare.position)))


def _plus(sources: list[str], more: Iterable[str]) -> list[str]:
    """Return the sources with any unexpected extra ones appended (sorted), so no amount goes missing."""
    extra = sorted(set(more) - set(sources))
    return sources + extra


# ---------------------------------------------------------------- a run's lines

RUN_HEADER = ["Afrekening", "Contract", "Peildatum", "Status afrekening", "Declaratie", "Traject", "Gemeente (CBS)",
              "Gemeente", "Tranche", "Mijlpaal", "Datum mijlpaal", "Status", "Redencode", "Reden", "Bedrag",
              "Betaalbaar", "Ingehouden", "In afwachting", "Eerder gefactureerd", "Deze afrekening",
              "Reden verschil", "Document"]


def run_rows(session: Session, run: m.SettlementRun) -> Iterator[list]:
    """Yield the run's lines, then its totals per municipality and per funding source."""
    contract_code = session.scalar(select(m.Contract.code).where(m.Contract.id == run.contract_id))
    rows = session.execute(
        select(m.SettlementLine, m.Municipality.cbs_code, m.Municipality.name, m.Invoice.display_number)
        .join(m.Municipality, m.Municipality.id == m.SettlementLine.municipality_id)
        .outerjoin(m.InvoiceLine, m.InvoiceLine.settlement_line_id == m.SettlementLine.id)
        .outerjoin(m.Invoice, m.Invoice.id == m.InvoiceLine.invoice_id)
        .where(m.SettlementLine.run_id == run.id).order_by(m.SettlementLine.position)).all()
    sources = _plus(funding_sources(session, run.contract_id),
                    (source for line, *_ in rows for source in line.funding))
    yield RUN_HEADER + [f"Deze afrekening {source}" for source in sources]
    by_municipality: dict[str, dict] = {}
    run_by_source = {source: ZERO for source in sources}
    for line, cbs_code, name, document in rows:
        funding = {source: Decimal(part) for source, part in line.funding.items()}
        yield [run.id, contract_code, run.as_of, label(run.status), line.milestone_ref, line.trajectory_ref, cbs_code,
               name, line.tranche_code, label(line.milestone_type), line.milestone_date,
               LINE_STATUS.get(line.status, line.status), line.reason, label(line.reason), line.amount, line.payable,
               line.withheld, line.pending, line.previously_invoiced, line.delta, label(line.delta_reason), document,
               *[funding.get(source, ZERO) for source in sources]]
        sums = by_municipality.setdefault(cbs_code, {"name": name, "payable": ZERO, "withheld": ZERO,
                                                     "pending": ZERO, "before": ZERO, "delta": ZERO,
                                                     "funding": {source: ZERO for source in sources}})
        sums["payable"] += line.payable
        sums["withheld"] += line.withheld
        sums["pending"] += line.pending
        sums["before"] += line.previously_invoiced
        sums["delta"] += line.delta
        for source, part in funding.items():
            sums["funding"][source] += part
            run_by_source[source] += part
    yield []
    yield ["Totalen per gemeente"]
    yield (["Gemeente (CBS)", "Gemeente", "Betaalbaar", "Ingehouden", "In afwachting", "Eerder gefactureerd",
            "Deze afrekening"] + [f"Deze afrekening {source}" for source in sources])
    for cbs_code in sorted(by_municipality):
        sums = by_municipality[cbs_code]
        yield [cbs_code, sums["name"], sums["payable"], sums["withheld"], sums["pending"], sums["before"],
               sums["delta"], *[sums["funding"][source] for source in sources]]
    yield ["Totaal", None, run.total_payable, run.total_withheld, run.total_pending,
           sum((s["before"] for s in by_municipality.values()), ZERO), run.total_delta,
           *[run_by_source[source] for source in sources]]
    yield []
    yield ["Totalen per financieringsbron"]
    yield ["Financieringsbron", "Betaalbaar", "Deze afrekening"]
    payable_by_source = _payable_by_funding(run)
    for source in sources:
        yield [source, payable_by_source.get(source, ZERO), run_by_source[source]]


def _payable_by_funding(run: m.SettlementRun) -> dict[str, Decimal]:
    """The payable split per funding source, as the engine froze it in the run's document."""
    contracts = (run.engine_document or {}).get("contracts") or [{}]
    by_funding = (contracts[0].get("totals") or {}).get("by_funding") or {}
    return {source: Decimal(amount) for source, amount in by_funding.items()}


def run_filename(contract_code: str, run: m.SettlementRun) -> str:
    return f"afrekening-{_safe_name(contract_code)}-{run.as_of:%Y-%m-%d}-{run.id}.csv"


# ---------------------------------------------------------------- the ESF participant report

ESF_HEADER = ["Cliënt (referentie)", "Traject", "Gemeente (CBS)", "Gemeente", "Segment", "Doelgroep", "Uitkering",
              "Start", "Einde", "Reden einde", "Behaalde resultaten", *client_esf.ESF_COLUMNS]


def esf_rows(session: Session, contract: m.Contract, *, period_start: date | None = None,
             period_end: date | None = None) -> Iterator[list]:
    """Yield one row per started trajectory of the contract (running in the period, if one is given).

    With a period, the results are the approved milestones dated in it and the amounts are
    those of documents issued in it; without one, everything up to now. Seven queries in all.
    """
    trajectories = select(
        m.Trajectory.id, m.Trajectory.ref, m.Trajectory.segment, m.Trajectory.start, m.Trajectory.end,
        m.Trajectory.end_reason, m.Municipality.cbs_code, m.Municipality.name.label("municipality"),
        m.Client.ref.label("client_ref"), m.Client.target_group, m.Client.benefit, m.Trajectory.client_id,
        *client_esf.esf_columns(),
    ).join(m.Municipality, m.Municipality.id == m.Trajectory.municipality_id).outerjoin(
        m.Client, m.Client.id == m.Trajectory.client_id,
    ).outerjoin(m.EsfParticipant, m.EsfParticipant.trajectory_id == m.Trajectory.id).where(m.Trajectory.contract_id == contract.id, m.Trajectory.start.is_not(None))
    if period_end is not None:
        trajectories = trajectories.where(m.Trajectory.start <= period_end)
    if period_start is not None:
        trajectories = trajectories.where(or_(m.Trajectory.end.is_(None), m.Trajectory.end >= period_start))

    results: dict[int, list[tuple[str, date]]] = {}
    claims = (select(m.MilestoneClaim.trajectory_id, m.MilestoneClaim.type, m.MilestoneClaim.date)
              .join(m.Trajectory, m.Trajectory.id == m.MilestoneClaim.trajectory_id)
              .where(m.Trajectory.contract_id == contract.id, m.MilestoneClaim.review == "approved",
                     *_within(m.MilestoneClaim.date, period_start, period_end))
              .order_by(m.MilestoneClaim.trajectory_id, m.MilestoneClaim.date, m.MilestoneClaim.id))
    for trajectory_id, type_, day in session.execute(claims):
        results.setdefault(trajectory_id, []).append((type_, day))

    invoiced: dict[str, dict[str, Decimal]] = {}
    lines = (select(m.SettlementLine.trajectory_ref, m.InvoiceLine.funding, m.InvoiceLine.amount)
             .join(m.Invoice, m.Invoice.id == m.InvoiceLine.invoice_id)
             .join(m.SettlementLine, m.SettlementLine.id == m.InvoiceLine.settlement_line_id)
             .where(m.Invoice.contract_id == contract.id, *_within(m.Invoice.issue_date, period_start, period_end)))
    totals: dict[str, Decimal] = {}
    for trajectory_ref, funding, amount in session.execute(lines):
        per_source = invoiced.setdefault(trajectory_ref, {})
        for source, part in (funding or {}).items():
            per_source[source] = per_source.get(source, ZERO) + Decimal(part)
        totals[trajectory_ref] = totals.get(trajectory_ref, ZERO) + amount

    sources = _plus(funding_sources(session, contract.id),
                    (source for per_source in invoiced.values() for source in per_source))
    yield ESF_HEADER + [f"Gefactureerd {source}" for source in sources] + ["Gefactureerd totaal"]
    rows = session.execute(trajectories.order_by(m.Trajectory.ref)).all()
    # The client's target groups and benefit on the trajectory's start, and its activation results: two queries.
    people = client_esf.people(session, rows, period_start, period_end)
    for row in rows:
        reached = ", ".join(f"{label(type_)} ({day:%d-%m-%Y})" for type_, day in results.get(row.id, ()))
        per_source = invoiced.get(row.ref, {})
        person = people.get(row.id)
        yield [row.client_ref, row.ref, row.cbs_code, row.municipality, label(row.segment),
               person.target_groups if person else label(row.target_group),
               person.benefit if person else label(row.benefit), row.start, row.end, label(row.end_reason), reached,
               *client_esf.esf_cells(row, person),
               *[per_source.get(source, ZERO) for source in sources], totals.get(row.ref, ZERO)]


def _within(column, start: date | None, end: date | None) -> list:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return [and_(*conditions)] if conditions else []


def esf_filename(contract_code: str, period_start: date | None, period_end: date | None) -> str:
    period = (f"-van-{period_start:%Y-%m-%d}" if period_start else "") + \
        (f"-tot-{period_end:%Y-%m-%d}" if period_end else "")
    return f"esf-deelnemers-{_safe_name(contract_code)}{period}.csv"


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)
