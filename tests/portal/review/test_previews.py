"""Evidence previews on the claim page: PDFs rendered to PNG on the server, images shown as they are."""
from __future__ import annotations

import hashlib
import io
from datetime import date

from pypdf import PdfWriter
from sqlalchemy import select

from portal import clock
from portal.evidence.preview import MAX_PAGES
from portal.models import AuditEvent, EvidenceFile

from ... import factories as f
from .conftest import login

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pdf(pages: int, javascript: bool = False) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:  # text the browser would meet if the PDF itself were shown
        writer.add_metadata({"/Subject": "app.alert('hallo');"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stored(app, db, claim, data: bytes, filename: str, content_type: str = "application/pdf") -> EvidenceFile:
    key = hashlib.sha256(data).hexdigest()
    app.extensions["storage"].put(db, key, data)
    evidence = EvidenceFile(claim_id=claim.id, kind="payslip", filename=filename, content_type=content_type,
                            size=len(data), sha256=key, uploaded_at=clock.now())
    db.add(evidence)
    db.flush()
    return evidence


def test_a_pdf_shows_its_first_pages_as_images_and_never_as_pdf(app, db, client, rw):
    claim = f.create_claim(db, rw.trajectory_a, "intake", happened=date(2026, 2, 3), submitted=date(2026, 2, 10))
    long = stored(app, db, claim, pdf(MAX_PAGES + 2, javascript=True), "loonstroken.pdf")
    db.commit()
    login(client, rw.reviewer)
    html = client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    for page in range(1, MAX_PAGES + 1):
        assert f"/bewijs/{long.id}/voorbeeld/{page}.png" in html
    assert f"/bewijs/{long.id}/voorbeeld/{MAX_PAGES + 1}.png" not in html
    response = client.get(f"/bewijs/{long.id}/voorbeeld/1.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(PNG_SIGNATURE) and b"app.alert" not in response.data
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/bewijs/{long.id}/voorbeeld/{MAX_PAGES + 1}.png").status_code == 404
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.action == "evidence.previewed")) is not None


def test_an_image_is_shown_itself_and_a_broken_pdf_offers_the_download(app, db, client, rw):
    claim = f.create_claim(db, rw.trajectory_a, "intake", happened=date(2026, 2, 3), submitted=date(2026, 2, 10))
    image = stored(app, db, claim, f.PNG_BYTES, "foto.png", "image/png")
    broken = stored(app, db, claim, b"%PDF-1.4 kapot", "kapot.pdf")
    db.commit()
    login(client, rw.reviewer)
    html = client.get(f"/beoordelen/{claim.id}").get_data(as_text=True)
    assert f"/bewijs/{image.id}/voorbeeld/1.png" in html and "kapot.pdf — geen voorbeeld; download het bestand" in html
    assert client.get(f"/bewijs/{image.id}/voorbeeld/1.png").data == f.PNG_BYTES
    assert client.get(f"/bewijs/{broken.id}/voorbeeld/1.png").status_code == 404


def test_another_bureaus_evidence_preview_is_a_404(app, db, client, rw):
    claim = f.create_claim(db, rw.trajectory_b, "intake", happened=date(2026, 2, 3), submitted=date(2026, 2, 10))
    other = stored(app, db, claim, pdf(1), "ander.pdf")
    db.commit()
    login(client, rw.bureau_user)
    assert client.get(f"/bewijs/{other.id}/voorbeeld/1.png").status_code == 404
