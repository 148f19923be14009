"""Jobs inline (SQLite, tests): approving a run, exports and the council report run as jobs with a page and a result."""
from __future__ import annotations

from flask import g
from sqlalchemy import func, select

from portal.models import Invoice, Job

from tests import factories as f
from tests.factories import log_in


def as_user(client, user) -> None:
    g.pop("_login_user", None)
    log_in(client, user)


def only_job(db) -> Job:
    db.expire_all()
    return db.scalars(select(Job)).one()


def test_approving_a_run_is_a_job_with_its_documents_as_result(db, client, jw):
    as_user(client, jw.approver)
    response = client.post(f"/afrekeningen/{jw.run.id}/goedkeuren")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/afrekeningen/{jw.run.id}")
    job = only_job(db)
    numbers = list(db.scalars(select(Invoice.display_number).order_by(Invoice.number)))
    assert (job.kind, job.status, job.started_by_id, job.attempts) == ("approve_run", "done", jw.approver.id, 1)
    assert job.progress_done == job.progress_total == len(numbers) > 0
    assert ", ".join(numbers) in job.result["message"]
    page = client.get(f"/taken/{job.id}").get_data(as_text=True)
    assert "Klaar" in page and f"{numbers[0]} (PDF)" in page and "job.js" in page
    as_user(client, jw.other_finance)  # finance shares the job
    assert client.get(f"/taken/{job.id}").status_code == 200
    assert client.get(f"/taken/{job.id}/voortgang").get_json() == {
        "status": "done", "status_text": "Klaar", "done": len(numbers), "total": len(numbers), "phase": "Klaar",
        "final": True}
    as_user(client, jw.bureau)
    assert client.get(f"/taken/{job.id}").status_code == 404


def test_a_refusal_inside_the_job_fails_it_and_issues_nothing(db, client, jw):
    jw.run.contract.provider.iban = None  # the e-invoice cannot be valid: found only while issuing
    db.commit()
    as_user(client, jw.approver)
    response = client.post(f"/afrekeningen/{jw.run.id}/goedkeuren")
    assert response.status_code == 409 and "vul de gegevens aan" in response.get_data(as_text=True)
    job = only_job(db)
    assert job.status == "failed" and "vul de gegevens aan" in job.error
    assert db.scalar(select(func.count()).select_from(Invoice)) == 0
    assert "Niet gelukt" in client.get(f"/taken/{job.id}").get_data(as_text=True)


def test_four_eyes_is_checked_before_a_job_is_started(db, client, jw):
    as_user(client, jw.preparer)
    response = client.post(f"/afrekeningen/{jw.run.id}/goedkeuren")
    assert response.status_code == 409 and "vier ogen" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Job)) == 0


def test_a_running_job_shows_its_progress(db, client, jw):
    job = Job(kind="approve_run", started_by_id=jw.approver.id, shared_with_role="finance", title="Goedkeuren",
              status="running", params={"run_id": jw.run.id}, progress_done=2, progress_total=5,
              phase="Facturen uitgeven", attempts=1, created_at=jw.run.prepared_at)
    db.add(job)
    db.commit()
    as_user(client, jw.approver)
    page = client.get(f"/taken/{job.id}").get_data(as_text=True)
    assert '<progress data-job="bar" max="5" value="2"' in page and "Facturen uitgeven" in page
    assert client.get(f"/taken/{job.id}/voortgang").get_json()["final"] is False
    assert client.get(f"/taken/{job.id}/bestand").status_code == 404  # nothing to download yet


def test_the_run_export_job_offers_the_same_csv_as_the_direct_download(db, client, jw):
    as_user(client, jw.approver)
    response = client.post(f"/taken/afrekeningen/{jw.run.id}/export")
    job = only_job(db)
    assert response.headers["Location"].endswith(f"/taken/{job.id}") and job.status == "done"
    download = client.get(f"/taken/{job.id}/bestand")
    assert download.headers["Content-Disposition"].startswith('attachment; filename="afrekening-')
    assert download.data == client.get(f"/afrekeningen/{jw.run.id}/export.csv").data


def test_the_council_report_job_renders_the_pdf_for_the_users_scope(db, client, jw):
    reviewer = f.create_user(db, "reviewer")
    db.commit()
    as_user(client, reviewer)
    response = client.post("/taken/raadsrapportage", data={"periode": "2027"})
    job = only_job(db)
    assert response.headers["Location"].endswith(f"/taken/{job.id}")
    assert (job.kind, job.status, job.result_filename) == ("council_report", "done", "raadsrapportage-2027.pdf")
    assert client.get(f"/taken/{job.id}/bestand").data.startswith(b"%PDF")
    assert client.post("/taken/raadsrapportage", data={"periode": "2030"}).status_code == 302  # not begun: refused
    assert db.scalar(select(func.count()).select_from(Job)) == 1
