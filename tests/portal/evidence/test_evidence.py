"""Evidence: judged by content, at most 10 MB, stored once on either backend, removed on rollback, streamed as a download."""
from __future__ import annotations

import stat
from datetime import date

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select, text

from portal.evidence.storage import MAX_EVIDENCE_BYTES, EvidenceRefused, Upload, attach_evidence, check_upload
from portal.models import AuditEvent, EvidenceFile
from portal.storage import CHUNK_SIZE, make_storage
from portal.storage.cli import move_files
from portal.storage.database import DatabaseStorage
from portal.storage.filesystem import FileStorage

from ... import factories as f
from ..trajectories.conftest import login, stored_keys


@pytest.fixture(params=["database", "filesystem"])
def storage(request, app):
    """Each storage test runs on both backends: the database (default) and a folder (STORAGE_BACKEND=filesystem)."""
    app.extensions["storage"] = make_storage({**app.config, "STORAGE_BACKEND": request.param})
    return app.extensions["storage"]


def keys_in(storage, db) -> list[str]:
    return list(storage.keys()) if isinstance(storage, FileStorage) else stored_keys(db)


def content(storage, db, key) -> bytes:
    return b"".join(storage.chunks(db, key))


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


def test_stored_once_under_its_sha256_and_never_overwritten(db, claim, storage):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", storage=storage)
    db.commit()
    other = f.create_claim(db, claim.trajectory, "sustained_placement")
    attach_evidence(db, None, other, check_upload(Upload("b.pdf", f.PDF_BYTES)), kind="payslip", storage=storage)
    db.commit()
    assert keys_in(storage, db) == [checked.sha256]
    assert content(storage, db, checked.sha256) == f.PDF_BYTES
    assert db.scalar(select(func.count()).select_from(EvidenceFile).where(
        EvidenceFile.sha256 == checked.sha256)) == 2


def test_on_disk_a_file_is_read_only_and_its_second_upload_leaves_it_untouched(db, claim, app):
    storage = make_storage({**app.config, "STORAGE_BACKEND": "filesystem"})
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", storage=storage)
    db.commit()
    path = storage.path(checked.sha256)
    assert path == storage.root / checked.sha256[:2] / checked.sha256 and path.read_bytes() == f.PDF_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o400  # read-only, and for the application user only
    before = path.stat()
    other = f.create_claim(db, claim.trajectory, "sustained_placement")
    attach_evidence(db, None, other, checked, kind="payslip", storage=storage)
    db.commit()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_in_the_database_a_stored_file_cannot_be_changed(db, claim):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", storage=DatabaseStorage())
    db.commit()
    with pytest.raises(sqlalchemy.exc.DatabaseError):
        with db.begin_nested():
            db.execute(text("UPDATE stored_blob SET data = :data WHERE key = :key"),
                       {"data": b"%PDF-forged", "key": checked.sha256})
    assert content(DatabaseStorage(), db, checked.sha256) == f.PDF_BYTES


def test_a_file_stored_in_a_transaction_that_rolls_back_is_removed(db, claim, storage):
    db.commit()
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES + b"rollback"))
    attach_evidence(db, None, claim, checked, kind="payslip", storage=storage)
    assert storage.size(db, checked.sha256) == checked.size
    db.rollback()
    assert keys_in(storage, db) == []
    assert db.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def test_a_rollback_leaves_content_that_was_already_stored(db, claim, storage):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", storage=storage)
    db.commit()
    other = f.create_claim(db, claim.trajectory, "sustained_placement")
    attach_evidence(db, None, other, checked, kind="payslip", storage=storage)
    db.rollback()
    assert keys_in(storage, db) == [checked.sha256]


def test_the_same_file_twice_on_one_claim_is_refused(db, claim, storage):
    checked = check_upload(Upload("a.pdf", f.PDF_BYTES))
    attach_evidence(db, None, claim, checked, kind="payslip", storage=storage)
    with pytest.raises(EvidenceRefused, match="twee keer"):
        attach_evidence(db, None, claim, checked, kind="payslip", storage=storage)


def test_download_is_an_attachment_with_the_right_type_and_no_sniffing(db, client, tw, claim, storage):
    evidence = attach_evidence(db, tw.bureau, claim, check_upload(Upload("loonstrook.pdf", f.PNG_BYTES)),
                               kind="payslip", storage=storage)
    db.commit()
    for user in (tw.bureau, tw.klantmanager, tw.reviewer):
        login(client, user)
        response = client.get(f"/bewijs/{evidence.id}")
        assert response.status_code == 200 and response.data == f.PNG_BYTES
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["Content-Length"] == str(len(f.PNG_BYTES))
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "loonstrook.png" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "evidence.downloaded")) == 3


def test_a_large_file_streams_in_pieces_and_arrives_whole(db, client, tw, claim, storage):
    data = f.PDF_BYTES + bytes(range(256)) * (CHUNK_SIZE * 2 // 256 + 7)
    evidence = attach_evidence(db, tw.bureau, claim, check_upload(Upload("groot überzicht.pdf", data)),
                               kind="payslip", storage=storage)
    db.commit()
    assert [len(piece) for piece in storage.chunks(db, evidence.sha256)][:2] == [CHUNK_SIZE, CHUNK_SIZE]
    login(client, tw.bureau)
    response = client.get(f"/bewijs/{evidence.id}")
    assert response.status_code == 200 and response.is_streamed and response.data == data
    assert "filename*=UTF-8''groot%20%C3%BCberzicht.pdf" in response.headers["Content-Disposition"]


def test_a_file_missing_from_storage_is_a_404_and_no_download_is_recorded(db, client, tw, claim, storage):
    evidence = attach_evidence(db, tw.bureau, claim, check_upload(Upload("a.pdf", f.PDF_BYTES)), kind="payslip",
                               storage=storage)
    db.commit()
    storage.delete(db, evidence.sha256)
    db.commit()
    login(client, tw.bureau)
    assert client.get(f"/bewijs/{evidence.id}").status_code == 404
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "evidence.downloaded")) == 0


def test_another_tenant_gets_a_404_and_an_unknown_id_too(db, client, tw, claim):
    evidence = attach_evidence(db, tw.bureau, claim, check_upload(Upload("a.pdf", f.PDF_BYTES)), kind="payslip",
                               storage=DatabaseStorage())
    db.commit()
    for user in (tw.other_bureau, tw.other_klantmanager):
        login(client, user)
        assert client.get(f"/bewijs/{evidence.id}").status_code == 404
    login(client, tw.bureau)
    assert client.get(f"/bewijs/{evidence.id + 1000}").status_code == 404


def test_files_on_disk_move_into_the_database_once_checked_and_idempotent(db, app, tmp_path):
    folder, database = FileStorage(tmp_path / "old"), DatabaseStorage()
    keys = []
    for data in (f.PDF_BYTES, f.PNG_BYTES, f.JPEG_BYTES):
        checked = check_upload(Upload("x", data))
        folder.put(db, checked.sha256, data)
        keys.append(checked.sha256)
    corrupt = check_upload(Upload("y", f.PDF_BYTES + b"echt")).sha256
    folder.put(db, corrupt, f.PDF_BYTES + b"vervalst")  # content that does not match its name
    db.commit()
    assert move_files(db, folder, database) == {"copied": 3, "present": 0, "corrupt": 1}
    assert stored_keys(db) == sorted(keys)
    assert [content(database, db, key) for key in keys] == [f.PDF_BYTES, f.PNG_BYTES, f.JPEG_BYTES]
    assert move_files(db, folder, database, remove_files=True) == {"copied": 0, "present": 3, "corrupt": 1}
    assert list(folder.keys()) == [corrupt] and stored_keys(db) == sorted(keys)
