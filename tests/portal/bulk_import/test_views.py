"""The bulk import pages: upload a CSV with its evidence, see the report per row on the job page."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.models import Job, MilestoneClaim

from tests.factories import log_in
from .conftest import EVIDENCE, HEADER, csv_bytes


def upload(client, data: bytes, files: dict[str, bytes], check_only: bool = False):
    form = {"bestand": (io.BytesIO(data), "declaraties.csv"),
            "bewijsstukken": [(io.BytesIO(content), name) for name, content in files.items()]}
    if check_only:
        form["alleen_controleren"] = "y"
    return client.post("/importeren", data=form, content_type="multipart/form-data")


def claims(db) -> int:
    return db.scalar(select(func.count()).select_from(MilestoneClaim))


def test_a_file_with_an_error_shows_the_report_and_stores_nothing_then_the_fixed_file_is_stored(db, client, iw):
    log_in(client, iw.bureau)
    good = f"{iw.trajectory.ref};intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;"
    response = upload(client, csv_bytes(HEADER, good, f"{iw.second.ref};intake;3 feb;;;;;;;;presentielijst;intake.pdf;"),
                      EVIDENCE)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Er is niets opgeslagen: 1 fout in het bestand." in page
    assert "<td>3</td><td>datum</td><td>‘3 feb’ is geen datum; gebruik dd-mm-jjjj.</td>" in page
    assert claims(db) == 0

    response = upload(client, csv_bytes(HEADER, good, f"{iw.second.ref};intake;03-02-2026;;;;;;;;presentielijst;"
                                                      "intake.pdf;"), EVIDENCE)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 regels zijn opgeslagen als declaraties" in page and "Opgeslagen declaraties" in page
    assert claims(db) == 2
    job = db.scalars(select(Job).order_by(Job.id.desc())).first()
    assert (job.kind, job.status, job.provider_id, job.params["evidence"]) == (
        "bulk_import", "done", iw.provider.id, sorted(EVIDENCE))


def test_check_only_stores_nothing(db, client, iw):
    log_in(client, iw.bureau)
    response = upload(client, csv_bytes(HEADER, f"{iw.trajectory.ref};intake;03-02-2026;;;;;;;;presentielijst;"
                                                "intake.pdf;"), EVIDENCE, check_only=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Het bestand is in orde: 1 regels. Er is nog niets opgeslagen." in page
    assert claims(db) == 0


def test_no_file_is_a_form_error(client, iw):
    log_in(client, iw.bureau)
    response = client.post("/importeren", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies het CSV-bestand" in response.get_data(as_text=True)


def test_the_import_job_is_for_its_bureau_only(db, client, iw):
    log_in(client, iw.bureau)
    location = upload(client, csv_bytes(HEADER, "X;intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;"),
                      EVIDENCE).headers["Location"]
    log_in(client, iw.other_bureau)
    assert client.get(location).status_code == 404


def test_the_template_downloads_as_csv(client, iw):
    log_in(client, iw.bureau)
    response = client.get("/importeren/voorbeeld.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufefftraject;soort;datum".encode("utf-8"))


def test_the_upload_is_not_kept_once_the_job_has_ended(db, client, iw):
    log_in(client, iw.bureau)
    upload(client, csv_bytes(HEADER, "X;intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;"), EVIDENCE)
    db.expire_all()
    assert [job.input_data for job in db.scalars(select(Job))] == [None]
