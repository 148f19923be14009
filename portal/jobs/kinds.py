"""What each kind of job does: a service call with a progress callback, the same inline and in a worker.

A work function takes (session, job, actor, progress, config), works in the session without
committing and returns an Outcome; it raises one of its kind's `refusals` (Dutch message) to
roll its work back and fail the job.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from ..evidence.storage import EvidenceRefused
from ..finance.states import RunRefused
from ..trajectories.states import TrajectoryError


class JobRefused(Exception):
    """The job cannot do its work; `result` holds what the job page shows (a bulk import's report)."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class Outcome:
    message: str
    links: tuple[tuple[str, str, dict], ...] = ()  # (label, endpoint, url values): built when the page shows them
    file: tuple[bytes, str, str] | None = None      # (content, filename, mimetype)
    report: dict | None = None


@dataclass(frozen=True)
class JobKind:
    work: Callable
    refusals: tuple[type[Exception], ...] = field(default=(JobRefused,))


def approve_run(session, job, actor, progress, config) -> Outcome:
    """Approve a settlement run: issue and render its documents (all or nothing, gapless numbers)."""
    from ..finance.issuing import approve_run as approve
    run_id = job.params["run_id"]
    documents = approve(session, actor, run_id, progress=progress)
    links = tuple((f"{d.display_number} (PDF)", "finance.invoice_pdf", {"invoice_id": d.id}) for d in documents)
    links += (("Naar de afrekening", "finance.run", {"run_id": run_id}),)
    if not documents:
        return Outcome("De afrekening is goedgekeurd. Er was niets te factureren: er is geen document uitgegeven.",
                       links)
    numbers = ", ".join(d.display_number for d in documents)
    return Outcome(f"De afrekening is goedgekeurd en {len(documents)} "
                   f"{'document is' if len(documents) == 1 else 'documenten zijn'} uitgegeven: {numbers}.", links)


def run_export(session, job, actor, progress, config) -> Outcome:
    """Export a run's lines as CSV (what /afrekeningen/<id>/export.csv sends, as a file on the job)."""
    from .. import models as m
    from ..audit import record
    from ..csv_export import csv_text
    from ..finance import exports
    run = session.scalar(select(m.SettlementRun).where(m.SettlementRun.id == job.params["run_id"]))
    if run is None:
        raise JobRefused("Deze afrekening bestaat niet.")
    progress.phase("Regels verzamelen", total=1)
    rows = list(exports.run_rows(session, run))
    progress.step()
    record(session, actor, "settlement_run.exported", "settlement_run", run.id)
    filename = exports.run_filename(run.contract.code, run)
    return Outcome("De export is klaar.", (("Naar de afrekening", "finance.run", {"run_id": run.id}),),
                   file=(csv_text(rows).encode("utf-8"), filename, "text/csv"))


def council_report(session, job, actor, progress, config) -> Outcome:
    """Build and render the council report (raadsrapportage) as PDF for the user's scope."""
    from ..access import results_municipality, scope_result_contracts
    from ..results.report import build_report, render_report_pdf
    progress.phase("Resultaten berekenen", total=2)
    report = build_report(session, job.params["period"], set(session.scalars(scope_result_contracts(actor))),
                          results_municipality(actor))
    progress.step("PDF opmaken")
    pdf = render_report_pdf(report)
    progress.step()
    return Outcome(f"De raadsrapportage over {report.period} is klaar.",
                   file=(pdf, f"raadsrapportage-{report.period}.pdf", "application/pdf"))


def bulk_import(session, job, actor, progress, config) -> Outcome:
    """Check a bureau's CSV in full, then store all its rows (or none) through the forms' services."""
    from ..bulk_import.service import run_job
    return run_job(session, job, actor, progress, config)


KINDS: dict[str, JobKind] = {
    "approve_run": JobKind(approve_run, (JobRefused, RunRefused)),
    "run_export": JobKind(run_export),
    "council_report": JobKind(council_report),
    "bulk_import": JobKind(bulk_import, (JobRefused, TrajectoryError, EvidenceRefused)),
}
