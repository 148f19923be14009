"""Bulk import: checked in full with a report per row and field, then stored all or nothing via the forms' services."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.bulk_import import service
from portal.bulk_import.parsing import COLUMN_NAMES, template_csv
from portal.models import AuditEvent, EvidenceFile, MilestoneClaim, Placement

from .conftest import EVIDENCE, HEADER, csv_bytes


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def import_events(db) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).where(AuditEvent.action.in_(("claim.submitted", "bulk_import.stored")))
                           .order_by(AuditEvent.id)))


def rows(iw) -> list[str]:
    return [HEADER,
            f"{iw.trajectory.ref};Intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;eerste gesprek",
            f"{iw.second.ref};placement;2026-05-01;Bakkerij De Korenbloem;34123456;Bepaalde tijd;\"24,5\";\"2.400,00\";"
            "volledig;;arbeidscontract;contract.pdf;"]


def test_the_template_has_a_bom_the_header_and_an_example_row():
    data = template_csv()
    assert data.startswith("\ufeff".encode("utf-8"))
    header, example = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(header) == COLUMN_NAMES and len(example) == len(header)


def test_a_valid_file_is_stored_through_the_forms_services(db, iw, app):
    report = service.store(db, iw.provider, csv_bytes(*rows(iw)), iw.bureau, EVIDENCE,
                           storage=app.extensions["storage"])
    assert report.ok and report.saved and report.rows == 2
    claims = db.scalars(select(MilestoneClaim).order_by(MilestoneClaim.id)).all()
    assert [(c.type, c.date, c.review, c.note) for c in claims] == [
        ("intake", date(2026, 2, 3), "pending", "eerste gesprek"), ("placement", date(2026, 5, 1), "pending", None)]
    placement = db.scalar(select(Placement))
    assert (placement.hours_per_week, placement.gross_wage, placement.contract_type, placement.benefit_ends) == (
        Decimal("24.50"), Decimal("2400.00"), "bepaalde_tijd", "fully")
    assert count(db, EvidenceFile) == 2
    assert import_events(db) == ["claim.submitted", "claim.submitted", "bulk_import.stored"]
    assert [s.claim for s in report.stored] == [c.ref for c in claims]


def test_one_error_anywhere_stores_nothing_and_every_error_is_named_by_line_and_column(db, iw, app):
    lines = rows(iw) + [
        f"{iw.other_trajectory.ref};intake;03-02-2026;;;;;;;;presentielijst;intake.pdf;",   # another bureau's
        f"{iw.second.ref};intake;31-02-2026;;;;;;;;presentielijst;intake.pdf;",              # no such date
        f"{iw.second.ref};intake;03-02-2026;;;;;;;;presentielijst;ontbreekt.pdf;",           # file not sent
        f"{iw.trajectory.ref};intake;04-02-2026;;;;;;;;presentielijst;intake.pdf;",          # claimed twice (service)
        f"{iw.second.ref};placement;01-06-2026;X;;vast;veel;2400;volledig;;loonstrook;contract.pdf;",
    ]
    report = service.store(db, iw.provider, csv_bytes(*lines), iw.bureau, EVIDENCE,
                           storage=app.extensions["storage"])
    assert not report.ok and not report.saved and report.stored == []
    found = {(e.line, e.column) for e in report.errors}
    assert found == {(4, "traject"), (5, "datum"), (6, "bewijsstukken"), (7, "soort"), (8, "uren_per_week")}
    messages = {e.line: e.message for e in report.errors}
    assert "niet van uw bureau" in messages[4] and "al gedeclareerd" in messages[7] and "ontbreekt.pdf" in messages[6]
    assert (count(db, MilestoneClaim), count(db, Placement), count(db, EvidenceFile)) == (0, 0, 0)
    assert import_events(db) == []


def test_check_stores_nothing_even_for_a_valid_file(db, iw):
    report = service.check(db, iw.provider, csv_bytes(*rows(iw), bom=False, sep=","), iw.bureau, EVIDENCE)
    assert report.ok and not report.saved and report.rows == 2
    assert (count(db, MilestoneClaim), count(db, Placement)) == (0, 0)


def test_a_file_that_cannot_be_read_gets_one_message_for_the_file(db, iw):
    assert [e.message for e in service.check(db, iw.provider, "é".encode("latin-1"), iw.bureau).errors][0].startswith(
        "Het bestand is geen UTF-8-tekst")
    report = service.check(db, iw.provider, csv_bytes("traject;kleur", "T1;rood"), iw.bureau)
    assert [(e.line, e.column) for e in report.errors] == [(None, None)]
    assert "Onbekende kolom(men): kleur" in report.errors[0].message


def test_only_for_the_own_bureau(db, iw):
    report = service.check(db, iw.provider, csv_bytes(*rows(iw)), iw.other_bureau, EVIDENCE)
    assert [e.message for e in report.errors] == ["U kunt alleen voor uw eigen bureau importeren."]
