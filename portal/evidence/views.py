"""Downloading evidence: only through the claim's trajectory scope, only as an attachment, streamed from storage."""
from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from flask import Blueprint, Response, abort, current_app
from flask_login import current_user

from ..access import get_claim, requires_role
from ..audit import record
from ..db import get_session
from ..hardening import sealed_file
from ..models import EvidenceFile
from ..storage import Storage, get_storage
from .preview import IMAGE_TYPES, PreviewFailed, render_page

bp = Blueprint("evidence", __name__)


@bp.route("/bewijs/<int:evidence_id>")
@requires_role("provider", "klantmanager", "reviewer", "finance", "admin", "auditor")
def download(evidence_id: int):
    session = get_session()
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        abort(404)
    get_claim(session, current_user, evidence.claim_id)  # another tenant's claim is a 404
    storage = get_storage()
    size = storage.size(session, evidence.sha256)
    if size is None:
        current_app.logger.error("evidence file %s is missing from storage", evidence.id)
        abort(404)
    # The first piece (all of a file up to 1 MB) is read in the request; the rest streams after it, piece by piece.
    pieces = storage.chunks(session, evidence.sha256)
    first = next(pieces, b"")
    pieces.close()
    # Evidence holds personal data (payslips, contracts): every view is recorded.
    record(session, current_user, "evidence.downloaded", "evidence_file", evidence.id)
    session.commit()
    body = [first] if len(first) == size else chain(
        [first], _stream(current_app.extensions["database"].session_factory, storage, evidence.sha256, len(first)))
    response = Response(body, mimetype=evidence.content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    return sealed_file(response, evidence.filename)


@bp.route("/bewijs/<int:evidence_id>/voorbeeld/<int:page>.png")
@requires_role("provider", "klantmanager", "reviewer", "finance", "admin", "auditor")
def preview(evidence_id: int, page: int):
    """One page of a PDF as PNG, rendered here (no PDF reaches the browser), or the image itself; recorded."""
    session = get_session()
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        abort(404)
    get_claim(session, current_user, evidence.claim_id)  # another tenant's claim is a 404
    data = evidence_bytes(session, evidence)
    if not data:
        current_app.logger.error("evidence file %s is missing from storage", evidence.id)
        abort(404)
    if evidence.content_type == "application/pdf":
        try:
            image = render_page(data, page)
        except PreviewFailed:
            abort(404)
    elif evidence.content_type in IMAGE_TYPES and page == 1:
        image = data
    else:
        abort(404)
    record(session, current_user, "evidence.previewed", "evidence_file", evidence.id, after={"page": page})
    session.commit()
    return sealed_file(Response(image, mimetype="image/png" if evidence.content_type == "application/pdf"
                                else evidence.content_type))


def evidence_bytes(session, evidence: EvidenceFile) -> bytes:
    """The whole file from storage (evidence is at most 10 MB); empty when it is missing."""
    return b"".join(get_storage().chunks(session, evidence.sha256))


def _stream(open_session, storage: Storage, key: str, start: int) -> Iterator[bytes]:
    """Yield the file from `start` on, after the request has ended, through a session of its own (closed at the end)."""
    with open_session() as reader:
        yield from storage.chunks(reader, key, start)
