"""Job pages: what a job is doing now (progress, polled by a small script), its result and its file."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.routing import BuildError

from .. import clock
from ..access import RESULTS_ROLES, get_job, requires_role, scope_jobs, scope_runs
from ..db import get_session
from ..models import Job, SettlementRun
from . import runner

bp = Blueprint("jobs", __name__)

STATUS_TEXT = {"queued": "In de wachtrij", "running": "Bezig", "done": "Klaar", "failed": "Niet gelukt"}


def _links(job: Job) -> list[tuple[str, str]]:
    links = []
    for label, endpoint, values in (job.result or {}).get("links") or ():
        try:
            links.append((label, url_for(endpoint, **values)))
        except BuildError:  # an area that is not part of this installation
            continue
    return links


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _started(session, job: Job):
    """Run or queue a job just recorded, commit, and show its page."""
    runner.dispatch(session, job)
    session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/taken/afrekeningen/<int:run_id>/export")
@requires_role("finance", "auditor")
def run_export(run_id: int):
    """Export a run's lines as a job (a run of thousands of lines takes a while)."""
    session = get_session()
    run = session.scalar(scope_runs(current_user).where(SettlementRun.id == run_id))
    if run is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = runner.start(session, current_user, "run_export", title=f"Export van afrekening {run.contract.code}",
                       params={"run_id": run.id}, shared_with_role="finance" if current_user.has_role("finance")
                       else None)
    return _started(session, job)


@bp.post("/taken/raadsrapportage")
@requires_role(*RESULTS_ROLES)
def council_report():
    """Render the council report PDF as a job, for the user's own scope of contracts."""
    from ..results.filters import PERIOD, period_range
    from ..results.report import report_period
    session = get_session()
    period = (request.form.get("periode") or "").strip()
    if not FlaskForm().validate_on_submit() or (period and not PERIOD.match(period)):
        flash("Periode: gebruik een jaar (2026) of een kwartaal (2026-K3).", "error")
        return redirect(url_for("results.report"))
    period = report_period(period or None)
    if period_range(period)[0] > clock.today():
        flash("Periode: deze periode is nog niet begonnen.", "error")
        return redirect(url_for("results.report"))
    job = runner.start(session, current_user, "council_report", title=f"Raadsrapportage {period} (PDF)",
                       params={"period": period})
    return _started(session, job)


@bp.get("/taken")
@login_required
def index():
    session = get_session()
    jobs = session.scalars(scope_jobs(current_user).order_by(Job.created_at.desc(), Job.id.desc()).limit(50)).all()
    return render_template("jobs/index.html", jobs=jobs, status_text=STATUS_TEXT)


@bp.get("/taken/<int:job_id>")
@login_required
def show(job_id: int):
    job = get_job(get_session(), current_user, job_id)
    return _no_store(Response(render_template("jobs/show.html", job=job, links=_links(job),
                                              status_text=STATUS_TEXT)))


@bp.get("/taken/<int:job_id>/voortgang")
@login_required
def progress(job_id: int):
    job = get_job(get_session(), current_user, job_id)
    return _no_store(jsonify(status=job.status, status_text=STATUS_TEXT[job.status], done=job.progress_done,
                             total=job.progress_total, phase=job.phase,
                             final=job.status in ("done", "failed")))


@bp.get("/taken/<int:job_id>/bestand")
@login_required
def download(job_id: int):
    job = get_job(get_session(), current_user, job_id)
    if job.status != "done" or job.result_file is None:
        abort(404)
    response = Response(job.result_file, mimetype=job.result_mimetype or "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.result_filename}"'
    return _no_store(response)


def register_bulk_import(app) -> None:
    """The bulk import pages run as jobs; registered with them (one line in create_app)."""
    from ..bulk_import.views import bp as bulk_import_bp
    app.register_blueprint(bulk_import_bp)
