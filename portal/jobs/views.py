"""Job pages: what a job is doing now (progress, polled by a small script), its result and its file."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..access import get_job, scope_jobs
from ..db import get_session
from ..models import Job

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
