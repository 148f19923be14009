"""Evidence: judged by content, at most 10 MB, stored once and read-only, removed on rollback, served as a download."""
from __future__ import annotations

import os
import stat
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.evidence.storage import (MAX_EVIDENCE_BYTES, EvidenceRefused, Upload, attach_evidence, blob_path,
                                     check_upload)
from portal.models import AuditEvent, EvidenceFile

from ... import factories as f
from ..trajectories.conftest import login


def files_in(directory) -> list[str]:
    return sorted(name for _, _, names in os.walk(directory) for name in names)


@pytest.fixture
def claim(db, tw):
    trajectory = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1))
    return f.create_claim(db, trajectory, "intake")


def test_a_png_named_pdf_and_sent_as_pdf_is_stored_as_png():
    checked = check_upload(Upload("loonstrook.pdf", f.PNG_BYTES))
    assert (checked.content_type, checked.filename) == ("image/png", "loonstrook.png")


@pytest.mark.parametrize("data, content_type", [(f.PDF_BYTES, "application/pdf"), (f.JPEG_BYTES, "image/jpeg")])
def test_pdf_and_jpeg_are_recognised(data, content_type):
    assert check_upload(Upload("scan", data)).content_type == content_type


@pytest.mark.parametrize("data", [b"<!doctype html><script>alert(1)</script>", b"GIF89a....", b"PK\x03\x04zip",
                                  b" %PDF-1.4 leading space"])
def test_anything_else_is_refused_whatever_its_name(data):
    with pytest.raises(EvidenceRefused, match="‘x.pdf’ is geen PDF, PNG of JPEG"):
        check_upload(Upload("x.pdf", data))


def test_empty_and_oversized_files_are_refused_and_10_mb_is_fine():
    with pytest.raises(EvidenceRefused, match="leeg"):
        check_upload(Upload("leeg.pdf", b""))
    with pytest.raises(EvidenceRefused, match="groter dan 10 MB"):
        check_upload(Upload("groot.pdf", f.PDF_BYTES.ljust(MAX_EVIDENCE_BYTES + 1, b"0")))
    assert check_upload(Upload("precies.pdf", f.PDF_BYTES.ljust(MAX_EVIDENCE_BYTES, b"0"))).size == MAX_EVIDENCE_BYTES


def test_names_are_cleaned_of_paths_and_markup():
    assert check_upload(Upload("../../etc/<script>.pdf", f.PDF_BYTES)).filename == "script.pdf"
    assert check_upload(Upload("", f.JPEG_BYTES)).filename == "bewijsstuk.jpg"


def test_stored_once_under_its_sha256_read_only_and_never_overwritten(db, claim, evidence_dir):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", evidence_dir=evidence_dir)
    db.commit()
    path = blob_path(evidence_dir, checked.sha256)
    assert path == type(path)(evidence_dir) / checked.sha256[:2] / checked.sha256
    assert path.read_bytes() == f.PDF_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o400  # read-only, and for the application user only
    before = path.stat()
    other = f.create_claim(db, claim.trajectory, "sustained_placement")
    attach_evidence(db, None, other, check_upload(Upload("b.pdf", f.PDF_BYTES)), kind="payslip",
                    evidence_dir=evidence_dir)
    db.commit()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert files_in(evidence_dir) == [checked.sha256]
    assert db.scalar(select(func.count()).select_from(EvidenceFile).where(
        EvidenceFile.sha256 == checked.sha256)) == 2


def test_a_file_written_in_a_transaction_that_rolls_back_is_removed(db, claim, evidence_dir):
    db.commit()
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES + b"rollback"))
    attach_evidence(db, None, claim, checked, kind="payslip", evidence_dir=evidence_dir)
    assert blob_path(evidence_dir, checked.sha256).exists()
    db.rollback()
    assert files_in(evidence_dir) == []
    assert db.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def test_a_rollback_leaves_content_that_was_already_stored(db, claim, evidence_dir):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", evidence_dir=evidence_dir)
    db.commit()
    other = f.create_claim(db, claim.trajectory, "sustained_placement")
    attach_evidence(db, None, other, checked, kind="payslip", evidence_dir=evidence_dir)
    db.rollback()
    assert files_in(evidence_dir) == [checked.sha256]


def test_the_same_file_twice_on_one_claim_is_refused(db, claim, evidence_dir):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", evidence_dir=evidence_dir)
    with pytest.raises(EvidenceRefused, match="twee keer"):
        attach_evidence(db, None, claim, checked, kind="payslip", evidence_dir=evidence_dir)


def test_download_is_an_attachment_with_the_right_type_and_no_sniffing(db, client, tw, claim, evidence_dir):
    evidence = attach_evidence(db, tw.bureau, claim, check_upload(Upload("loonstrook.pdf", f.PNG_BYTES)),
                               kind="payslip", evidence_dir=evidence_dir)
    db.commit()
    for user in (tw.bureau, tw.klantmanager, tw.reviewer):
        login(client, user)
        response = client.get(f"/bewijs/{evidence.id}")
        assert response.status_code == 200 and response.data == f.PNG_BYTES
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "loonstrook.png" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "evidence.downloaded")) == 3


def test_another_tenant_gets_a_404_and_an_unknown_id_too(db, client, tw, claim, evidence_dir):
    evidence = attach_evidence(db, tw.bureau, claim, check_upload(Upload("a.pdf", f.PDF_BYTES)), kind="payslip",
                               evidence_dir=evidence_dir)
    db.commit()
    for user in (tw.other_bureau, tw.other_klantmanager):
        login(client, user)
        assert client.get(f"/bewijs/{evidence.id}").status_code == 404
    login(client, tw.bureau)
    assert client.get(f"/bewijs/{evidence.id + 1000}").status_code == 404
