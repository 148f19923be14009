"""Downloading evidence: only through the claim's trajectory scope, only as an attachment."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user

from ..access import get_claim, requires_role
from ..audit import record
from ..db import get_session
from ..models import EvidenceFile
from .storage import blob_path

bp = Blueprint("evidence", __name__)


@bp.route("/bewijs/<int:evidence_id>")
@requires_role("provider", "klantmanager", "reviewer", "finance", "admin", "auditor")
def download(evidence_id: int):
    session = get_session()
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        abort(404)
    get_claim(session, current_user, evidence.claim_id)  # another tenant's claim is a 404
    path = blob_path(current_app.config["EVIDENCE_DIR"], evidence.sha256)
    if not path.is_file():
        current_app.logger.error("evidence file %s is missing on disk", evidence.id)
        abort(404)
    # Evidence holds personal data (payslips, contracts): every view is recorded.
    record(session, current_user, "evidence.downloaded", "evidence_file", evidence.id)
    session.commit()
    response = send_file(path, mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.filename, conditional=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
