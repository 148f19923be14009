"""Finance exports: Dutch Excel CSV (BOM, `;`, dd-mm-jjjj, decimal comma), formula-safe, no BSN, no N+1."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from portal.csv_export import cell, csv_text, text_cell
from portal.finance.exports import esf_rows, run_rows
from portal.finance.issuing import approve_run
from portal.finance.runs import start_run, submit_run
from portal.models import Client, Invoice, Municipality
from .helpers import finance_pair, freeze_today, import_example, revoke

AS_OF = date(2028, 3, 31)


def issue(db, contract, preparer, approver, as_of=AS_OF):
    run = start_run(db, preparer, contract, as_of)
    submit_run(db, preparer, run)
    return run, approve_run(db, approver, run.id)


def parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def example(db, monkeypatch):
    freeze_today(monkeypatch, date(2028, 4, 2))
    scenario, contract = import_example(db)
    preparer, approver = finance_pair(db)
    return scenario, contract, preparer, approver


def sections(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Split the run export into its lines, its totals per municipality and per funding source."""
    first = rows.index([])
    second = rows.index([], first + 1)
    return rows[:first], rows[first + 1:second], rows[second + 1:]


def test_cells_are_dutch_and_only_free_text_is_quoted_against_formulas():
    assert cell(Decimal("1234.5")) == "1234,50"
    assert cell(Decimal("-1200.00")) == "-1200,00"
    assert cell(date(2026, 12, 31)) == "31-12-2026"
    assert cell(None) == "" and cell(7) == "7" and cell(True) == "ja"
    for dangerous in ("=1+1", "+31 6", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert text_cell(dangerous) == "'" + dangerous
    assert text_cell("Gemeente Alkmaar") == "Gemeente Alkmaar"


def test_run_export_lists_every_line_and_totals_per_municipality_and_funding_source(db, example):
    _, contract, preparer, approver = example
    run, invoices = issue(db, contract, preparer, approver)
    text = csv_text(run_rows(db, run))
    assert "\r\n" in text and text.count("\ufeff") == 1
    lines, municipalities, funding = sections(parse(text))
    header = lines[0]
    assert header[:6] == ["Afrekening", "Contract", "Peildatum", "Status afrekening", "Declaratie", "Traject"]
    assert header[-2:] == ["Deze afrekening ESF", "Deze afrekening WERKDEEL"]
    rows = [dict(zip(header, row)) for row in lines[1:]]
    assert [r["Declaratie"] for r in rows] == [f"M000{i}" for i in range(1, 8)]
    first = rows[0]
    assert (first["Peildatum"], first["Gemeente (CBS)"], first["Tranche"], first["Datum mijlpaal"]) == (
        "31-03-2028", "0361", "intake", "01-02-2026")
    assert (first["Bedrag"], first["Betaalbaar"], first["Ingehouden"], first["Deze afrekening"]) == (
        "800,00", "800,00", "0,00", "800,00")
    assert (first["Deze afrekening ESF"], first["Deze afrekening WERKDEEL"]) == ("400,00", "400,00")
    assert first["Document"] == invoices[0].display_number and first["Status"] == "Betaalbaar"
    assert municipalities[0] == ["Totalen per gemeente"]
    by_code = {row[0]: row for row in municipalities[2:]}
    assert by_code["0361"][2] == "4800,00" and by_code["0373"][2] == "4000,00"
    assert by_code["Totaal"][2] == "8800,00" and by_code["Totaal"][6] == "8800,00"
    assert funding[0] == ["Totalen per financieringsbron"]
    assert funding[2:] == [["ESF", "4400,00", "4400,00"], ["WERKDEEL", "4400,00", "4400,00"]]


def test_negative_amounts_stay_numbers_and_reasons_are_dutch(db, example):
    _, contract, preparer, approver = example
    issue(db, contract, preparer, approver)
    revoke(db, "M0005", date(2028, 3, 31))
    run, notes = issue(db, contract, preparer, approver, as_of=date(2028, 4, 2))
    lines, _, funding = sections(parse(csv_text(run_rows(db, run))))
    rows = {row[4]: dict(zip(lines[0], row)) for row in lines[1:]}
    revoked = rows["M0005"]
    assert revoked["Deze afrekening"] == "-1200,00" and revoked["Reden verschil"] == "Goedkeuring ingetrokken"
    assert revoked["Eerder gefactureerd"] == "1200,00" and revoked["Deze afrekening ESF"] == "-600,00"
    assert revoked["Document"] == notes[1].display_number
    assert rows["M0002"]["Reden"] == "Prestatienorm niet gehaald" and rows["M0002"]["Redencode"] == "NORM_NOT_MET"
    assert rows["M0002"]["Ingehouden"] == "1200,00"
    assert funding[2] == ["ESF", "1200,00", "-3200,00"]  # payable now: the three intakes


def test_free_text_that_looks_like_a_formula_is_neutralised(db, example):
    _, contract, preparer, approver = example
    alkmaar = db.scalar(select(Municipality).where(Municipality.cbs_code == "0361"))
    alkmaar.name = '=HYPERLINK("http://evil.example","klik")'
    run, _ = issue(db, contract, preparer, approver)
    text = csv_text(run_rows(db, run))
    assert "'=HYPERLINK" in text
    assert not any(value.startswith(("=", "@", "+")) for row in parse(text) for value in row)


def test_esf_report_has_one_row_per_participant_with_results_and_amounts_per_source(db, example):
    scenario, contract, preparer, approver = example
    _, invoices = issue(db, contract, preparer, approver)
    text = csv_text(esf_rows(db, contract))
    rows = parse(text)
    header = rows[0]
    assert header[-3:] == ["Gefactureerd ESF", "Gefactureerd WERKDEEL", "Gefactureerd totaal"]
    by_trajectory = {row[1]: dict(zip(header, row)) for row in rows[1:]}
    assert sorted(by_trajectory) == ["T001", "T002", "T003"]
    t001 = by_trajectory["T001"]
    assert (t001["Cliënt (referentie)"], t001["Gemeente (CBS)"], t001["Doelgroep"], t001["Uitkering"],
            t001["Start"], t001["Einde"]) == ("C001", "0361", "Statushouder", "Participatiewet", "01-02-2026", "")
    assert t001["Behaalde resultaten"] == ("Intake (01-02-2026), Plaatsing (02-05-2026), "
                                           "Duurzame plaatsing (01-11-2026)")
    assert (t001["Gefactureerd ESF"], t001["Gefactureerd WERKDEEL"], t001["Gefactureerd totaal"]) == (
        "2000,00", "2000,00", "4000,00")
    total = sum(Decimal(row["Gefactureerd totaal"].replace(",", ".")) for row in by_trajectory.values())
    assert total == sum(i.subtotal for i in invoices)
    for bsn in [c.bsn for c in scenario.clients] + [c.bsn_last4 for c in db.scalars(select(Client))]:
        assert bsn not in text


def test_esf_report_nets_credit_notes_and_limits_to_a_period(db, example):
    _, contract, preparer, approver = example
    issue(db, contract, preparer, approver)
    revoke(db, "M0005", date(2028, 3, 31))
    issue(db, contract, preparer, approver, as_of=date(2028, 4, 2))
    rows = parse(csv_text(esf_rows(db, contract)))
    t002 = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}["T002"]
    assert t002["Gefactureerd totaal"] == "800,00"  # intake only: placement revoked, sustained placement corrected
    assert "Plaatsing" not in t002["Behaalde resultaten"]  # the revoked approval is no result

    in_may = parse(csv_text(esf_rows(db, contract, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31))))
    by_trajectory = {row[1]: dict(zip(in_may[0], row)) for row in in_may[1:]}
    assert sorted(by_trajectory) == ["T001", "T002", "T003"]
    assert by_trajectory["T001"]["Behaalde resultaten"] == "Plaatsing (02-05-2026)"
    assert by_trajectory["T003"]["Behaalde resultaten"] == "Intake (01-05-2026)"
    assert by_trajectory["T001"]["Gefactureerd totaal"] == "0,00"  # nothing was issued in May 2026

    before_t003 = parse(csv_text(esf_rows(db, contract, period_end=date(2026, 4, 30))))
    assert [row[1] for row in before_t003[1:]] == ["T001", "T002"]


def test_esf_report_takes_a_fixed_number_of_queries(db, example):
    _, contract, preparer, approver = example
    issue(db, contract, preparer, approver)
    db.flush()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listener)
    try:
        rows = list(esf_rows(db, contract))
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listener)
    assert len(rows) == 4 and len(statements) <= 7  # + client facts, profile names, activation results (issue 9)


def test_credit_note_amounts_reach_the_esf_report_through_the_invoice_lines(db, example):
    _, contract, preparer, approver = example
    issue(db, contract, preparer, approver)
    revoke(db, "M0005", date(2028, 3, 31))
    _, notes = issue(db, contract, preparer, approver, as_of=date(2028, 4, 2))
    assert {n.kind for n in notes} == {"credit_note"}
    rows = parse(csv_text(esf_rows(db, contract)))
    total = sum(Decimal(row[-1].replace(",", ".")) for row in rows[1:])
    assert total == sum(db.scalars(select(Invoice.subtotal)), Decimal("0.00"))
