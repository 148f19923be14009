"""Bulk import pages for a bureau: the form with the column list, the template CSV; the work runs as a job."""
from __future__ import annotations

from pathlib import PurePath

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user

from ..access import requires_role
from ..db import get_session
from ..evidence.storage import read_upload
from ..jobs import runner as jobs
from .forms import ImportForm
from .parsing import COLUMNS, MAX_ROWS, template_csv
from .service import job_input

bp = Blueprint("bulk_import", __name__)
INVALID = 400


def _render(form: ImportForm, status: int = 200):
    return render_template("bulk_import/index.html", form=form, columns=COLUMNS, max_rows=MAX_ROWS), status


@bp.get("/importeren")
@requires_role("provider")
def index():
    return _render(ImportForm(formdata=None))


@bp.post("/importeren")
@requires_role("provider")
def upload():
    session = get_session()
    if current_user.provider_id is None:
        abort(403)  # a bureau role without a bureau imports for nobody
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(form, INVALID)
    csv_file = form.bestand.data
    if not csv_file or not csv_file.filename:
        form.bestand.errors = ["Kies het CSV-bestand dat u wilt importeren."]
        return _render(form, INVALID)
    data = csv_file.stream.read()
    files = {}
    for upload in form.bewijsstukken.data or ():
        if upload and upload.filename:
            read = read_upload(PurePath(upload.filename).name, upload.stream)
            files[read.filename] = read.data
    dry_run = bool(form.alleen_controleren.data)
    name = PurePath(csv_file.filename).name[:100]
    job = jobs.start(session, current_user, "bulk_import",
                     title=f"{'Controle' if dry_run else 'Import'} van {name}",
                     params={"dry_run": dry_run, "filename": name, "evidence": sorted(files)},
                     provider_id=current_user.provider_id, input_data=job_input(data, files))
    jobs.dispatch(session, job)
    session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/importeren/voorbeeld.csv")
@requires_role("provider")
def template():
    response = Response(template_csv(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="declaraties-voorbeeld.csv"'
    return response
