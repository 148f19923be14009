"""An objection may carry attachments: checked like evidence, kept in the storage, readable through the objection."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.evidence.storage import Upload
from portal.models import Objection, ObjectionAttachment
from portal.objections.service import AttachmentRefused, MAX_ATTACHMENTS, attachments_of, file_objection

from ... import factories as f
from .conftest import login

MOTIVATION = "De intake is op tijd per e-mail ingediend; zie de bevestiging in de bijlage."


def test_attachments_are_kept_with_the_objection_and_named_in_its_audit_event(app, db, ow):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION,
                               attachments=[Upload("bevestiging.pdf", f.PDF_BYTES), Upload("scan.png", f.PNG_BYTES)],
                               storage=app.extensions["storage"])
    files = attachments_of(db, objection)
    assert [(a.filename, a.content_type) for a in files] == [("bevestiging.pdf", "application/pdf"),
                                                            ("scan.png", "image/png")]
    assert b"".join(app.extensions["storage"].chunks(db, files[0].sha256)) == f.PDF_BYTES


@pytest.mark.parametrize("attachments, message", [
    ([Upload("virus.exe", b"MZ\x90\x00")], "geen PDF, PNG of JPEG"),
    ([Upload("a.pdf", f.PDF_BYTES), Upload("b.pdf", f.PDF_BYTES)], "twee keer"),
    ([Upload(f"{n}.pdf", f.PDF_BYTES + bytes([n])) for n in range(MAX_ATTACHMENTS + 1)], "hoogstens"),
])
def test_a_wrong_attachment_refuses_the_whole_objection(app, db, ow, attachments, message):
    with pytest.raises(AttachmentRefused) as refused:
        file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION, attachments=attachments,
                       storage=app.extensions["storage"])
    assert refused.value.field == "attachments" and message in str(refused.value)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Objection)) == 0
    assert db.scalar(select(func.count()).select_from(ObjectionAttachment)) == 0


def test_the_bureau_attaches_a_file_and_the_reviewer_downloads_it(db, client, ow):
    line = ow.line(ow.late)
    db.commit()
    login(client, ow.bureau)
    response = client.post(f"/bezwaren/nieuw/{line.id}", data={
        "motivation": MOTIVATION, "attachments": [(io.BytesIO(f.PDF_BYTES), "bevestiging.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    objection = db.scalar(select(Objection))
    [attachment] = attachments_of(db, objection)
    login(client, ow.reviewer)
    page = client.get(f"/bezwaren/{objection.id}").get_data(as_text=True)
    url = f"/bezwaren/{objection.id}/bijlagen/{attachment.id}"
    assert url in page and "bevestiging.pdf" in page
    download = client.get(url)
    assert download.status_code == 200 and download.data == f.PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    login(client, ow.other_bureau)
    assert client.get(url).status_code == 404


def test_a_bad_attachment_is_named_on_its_field_and_nothing_is_stored(db, client, ow):
    line = ow.line(ow.late)
    db.commit()
    login(client, ow.bureau)
    response = client.post(f"/bezwaren/nieuw/{line.id}", data={
        "motivation": MOTIVATION, "attachments": [(io.BytesIO(b"MZ\x90\x00"), "virus.exe")]},
        content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="attachments-error"' in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Objection)) == 0
