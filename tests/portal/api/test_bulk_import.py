"""Bulk import through the API: the import page's service, one CSV plus its evidence, all or nothing."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.api.tokens import issue_token
from portal.models import AuditEvent, MilestoneClaim

from ... import factories as f
from ..bulk_import.conftest import EVIDENCE, HEADER, TODAY, csv_bytes, iw  # noqa: F401 (fixture)
from .conftest import auth


def token(db, iw) -> str:
    admin = f.create_user(db, "admin")
    _, secret = issue_token(db, admin, name="Eigen systeem", provider_id=iw.provider.id, write=True)
    db.commit()
    return secret


def post(client, secret, url, *lines, evidence=EVIDENCE, name="export.csv"):
    files = [(io.BytesIO(csv_bytes(*lines)), name)] + [(io.BytesIO(data), file) for file, data in evidence.items()]
    return client.post(url, data={"files": files}, headers=auth(secret), content_type="multipart/form-data")


def claims(db) -> int:
    return db.scalar(select(func.count()).select_from(MilestoneClaim))


def test_a_checked_file_stores_nothing_and_a_stored_file_stores_every_row(db, client, iw):
    secret = token(db, iw)
    line = f"{iw.trajectory.ref};intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;"
    response = post(client, secret, "/api/v1/imports/check", HEADER, line)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json == {"rows": 1, "saved": False, "stored": []}
    assert claims(db) == 0
    response = post(client, secret, "/api/v1/imports", HEADER, line)
    assert response.status_code == 201 and response.json["saved"] is True
    [stored] = response.json["stored"]
    assert (stored["line"], stored["trajectory"], stored["type"]) == (2, iw.trajectory.ref, "Intake")
    assert claims(db) == 1 and db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "bulk_import.stored")) == 1


def test_errors_are_a_problem_naming_row_and_column_and_nothing_is_stored(db, client, iw):
    secret = token(db, iw)
    response = post(client, secret, "/api/v1/imports", HEADER,
                    f"{iw.trajectory.ref};intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;",
                    f"{iw.other_trajectory.ref};intake;31-02-2026;;;;;;;;presentielijst;intake.pdf;")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["code"] == "import_invalid" and problem["detail"].startswith("Er is niets opgeslagen")
    assert {error["field"] for error in problem["errors"]} == {"regels[3].traject", "regels[3].datum"}
    assert claims(db) == 0


def test_exactly_one_csv_is_required(db, client, iw):
    secret = token(db, iw)
    response = client.post("/api/v1/imports", data={"files": [(io.BytesIO(f.PDF_BYTES), "intake.pdf")]},
                           headers=auth(secret), content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["code"] == "import_file"
    assert response.json["errors"][0]["field"] == "files"
