"""Bulk import in the browser: the bureau uploads a CSV with one error and reads the report per row, uploads
the fixed file and sees it stored; a job page that is still running follows its job until it ends."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.models import Job, Trajectory, User
from portal.trajectories.claims import blocking_claim, claimable_types

from .axe import assert_accessible
from .conftest import BUREAU, login

pytestmark = pytest.mark.browser
HEADER = "traject;soort;datum;soort_bewijs;bewijsstukken;toelichting"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\nimport"


def claimable(live_server, count: int) -> list[tuple[str, str, date]]:
    """(trajectory, milestone, date) the demo bureau may claim today, on distinct trajectories."""
    from portal.db import get_session
    found = []
    with live_server.app.app_context():
        session = get_session()
        provider_id = session.scalar(select(User.provider_id).where(User.email == BUREAU))
        for trajectory in session.scalars(select(Trajectory).where(
                Trajectory.provider_id == provider_id, Trajectory.status == "active",
                Trajectory.start <= clock.today()).order_by(Trajectory.id)):
            for type_ in claimable_types(trajectory):
                if type_ not in ("plan", "participation_step", "sustained_placement") and \
                        blocking_claim(session, trajectory, type_) is None:
                    found.append((trajectory.ref, type_, trajectory.start))
                    break
            if len(found) == count:
                return found
    raise AssertionError("the demo has no claimable trajectories left")


def csv_file(lines: list[str]) -> dict:
    return {"name": "declaraties.csv", "mimeType": "text/csv",
            "buffer": ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")}


def send(page, lines: list[str]) -> None:
    page.get_by_label("CSV-bestand").set_input_files(csv_file(lines))
    page.get_by_label("Bewijsstukken (PDF, PNG of JPEG)").set_input_files(
        [{"name": "bewijs.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Importeren", exact=True).click()
    page.wait_for_url(re.compile(r"/taken/\d+$"))
    page.wait_for_load_state()
    assert_accessible(page)


def test_upload_with_an_error_then_the_fixed_file(page, live_server):
    (ref_a, type_a, start_a), (ref_b, type_b, start_b) = claimable(live_server, 2)
    row_a = f"{ref_a};{type_a};{start_a:%d-%m-%Y};anders;bewijs.pdf;Uit ons systeem"
    login(page, BUREAU)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Importeren", exact=True).click()
    page.wait_for_url("**/importeren")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download het voorbeeldbestand (CSV)").click()
    assert download.value.suggested_filename == "declaraties-voorbeeld.csv"

    send(page, [HEADER, row_a, f"{ref_b};{type_b};31-02-2026;anders;bewijs.pdf;"])
    expect(page.get_by_role("alert")).to_contain_text("Er is niets opgeslagen: 1 fout in het bestand.")
    errors = page.get_by_role("table", name="Fouten in het bestand (er is niets opgeslagen)")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("3datum‘31-02-2026’ is geen datum")

    page.goto("/importeren")
    assert_accessible(page)
    send(page, [HEADER, row_a, f"{ref_b};{type_b};{start_b:%d-%m-%Y};anders;bewijs.pdf;"])
    expect(page.get_by_text("2 regels zijn opgeslagen als declaraties")).to_be_visible()
    stored = page.get_by_role("table", name="Opgeslagen declaraties")
    expect(stored.get_by_role("row")).to_have_count(3)
    expect(stored).to_contain_text(ref_a)


def test_a_running_job_page_follows_its_job_until_it_ends(page, live_server):
    from portal.db import get_session
    with live_server.app.app_context():
        session = get_session()
        bureau = session.scalar(select(User).where(User.email == BUREAU))
        job = Job(kind="bulk_import", started_by_id=bureau.id, provider_id=bureau.provider_id,
                  title="Import van groot.csv", status="running", params={}, progress_done=40, progress_total=300,
                  phase="Regels controleren", attempts=1, created_at=clock.now())
        session.add(job)
        session.commit()
        job_id = job.id
    login(page, BUREAU)
    page.goto(f"/taken/{job_id}")
    assert_accessible(page)
    expect(page.get_by_role("status")).to_contain_text("Regels controleren (40 van 300)")
    with live_server.app.app_context():  # the worker gets on with it...
        session = get_session()
        session.get(Job, job_id).progress_done = 120
        session.commit()
    expect(page.get_by_role("status")).to_contain_text("(120 van 300)")
    with live_server.app.app_context():  # ... and finishes: the page loads again with the result
        session = get_session()
        done = session.get(Job, job_id)
        done.status, done.phase, done.progress_done, done.finished_at = "done", "Klaar", 300, clock.now()
        done.result = {"message": "300 regels zijn opgeslagen als declaraties.", "links": [], "report": None}
        session.commit()
    expect(page.get_by_role("heading", level=2, name="Resultaat")).to_be_visible()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("300 regels zijn opgeslagen als declaraties.")).to_be_visible()
