"""The CSV export: `;` separated for Dutch Excel, dd-mm-jjjj, no BSN, no formulas, only the bureau's own."""
from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from portal.models import AuditEvent
from portal.csv_export import cell as safe_cell

from ... import factories as f
from .conftest import login


def test_cells_that_look_like_formulas_are_quoted():
    assert [safe_cell(v) for v in ("=1+1", "+31", "-2", "@SUM(A1)", "\tx", "Jansen", None, date(2026, 1, 2))] == [
        "'=1+1", "'+31", "'-2", "'@SUM(A1)", "'\tx", "Jansen", "", "02-01-2026"]


def test_the_bureau_exports_its_own_trajectories(db, tw, client):
    mine = f.create_trajectory(db, tw.contract, tw.municipality, status="active", start=date(2026, 2, 1),
                               bsn="111222333")
    mine.client.last_name = "=HYPERLINK(\"http://evil\")"
    theirs = f.create_trajectory(db, tw.other_contract, tw.municipality)
    db.commit()
    login(client, tw.bureau)
    response = client.get("/trajecten/export.csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=\"trajecten-")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and "111222333" not in text and "2333" not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Traject", "Cliënt", "Achternaam"]
    assert [r[0] for r in rows[1:]] == [mine.ref] and theirs.ref not in text
    row = dict(zip(rows[0], rows[1]))
    assert row["Achternaam"].startswith("'=HYPERLINK") and row["Start"] == "01-02-2026"
    assert row["Status"] == "Lopend" and row["Segment"] == "Directe bemiddeling en nazorg"
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "trajectory.exported")) is not None


def test_staff_do_not_export(db, tw, client):
    db.commit()
    login(client, tw.reviewer)
    assert client.get("/trajecten/export.csv").status_code == 403


def test_the_klantmanager_exports_its_own_municipality(db, tw, client):
    mine = f.create_trajectory(db, tw.contract, tw.municipality)
    theirs = f.create_trajectory(db, tw.contract, tw.other_municipality)
    db.commit()
    login(client, tw.klantmanager)
    response = client.get("/trajecten/export.csv")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    assert mine.ref in text and theirs.ref not in text
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "trajectory.exported"))
    assert (event.object_type, event.object_id) == ("municipality", str(tw.municipality.id))
