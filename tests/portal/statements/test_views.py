"""The bureau's statements: its issued runs, and one run line by line with the reason for every withheld euro."""
from __future__ import annotations

import re
from datetime import date

import pytest

from portal.finance.runs import start_run
from portal.objections.service import decide_objection, file_objection

from ... import factories as f
from ..finance.helpers import complete_addresses
from ..objections.conftest import MOTIVATION, issue, login


@pytest.fixture
def bureau_client(client, ow):
    login(client, ow.bureau)
    return client


def row_of(html: str, ref: str) -> str:
    """Return the rows of a claim ref in a statement: the amounts, then the explanation."""
    match = re.search(rf"<tbody id=\"regel-\d+\">\s*<tr>\s*<th scope=\"row\">{ref}\b.*?</tbody>", html, re.S)
    assert match, f"no row for {ref}"
    return match.group(0)


def test_my_statements_lists_issued_runs_newest_first_with_totals_and_documents(db, ow, bureau_client):
    ow.late.submitted = date(2026, 3, 1)  # as if corrected: the second run pays it
    second, invoices = issue(db, ow.contract, ow.preparer, ow.approver, date(2026, 7, 1))
    start_run(db, ow.preparer, ow.contract, date(2026, 7, 1))  # a draft: not the bureau's business yet
    db.commit()
    html = bureau_client.get("/mijn-afrekeningen").get_data(as_text=True)
    assert html.index("peildatum 01-07-2026") < html.index("peildatum 30-06-2026")
    assert html.count(f"{ow.contract.code}, peildatum") == 2
    assert f'href="/mijn-afrekeningen/{second.id}"' in html and f'href="/mijn-afrekeningen/{ow.run.id}"' in html
    first_part = html[html.index("peildatum 30-06-2026"):]
    assert "€ 800,00" in first_part and "€ 2.400,00" in first_part  # payable, withheld (three intakes)
    assert ow.invoices[0].display_number in first_part and "€ 968,00" in first_part
    assert invoices[0].display_number in html[:html.index("peildatum 30-06-2026")]


def test_another_bureau_sees_none_of_it(db, ow, client):
    db.commit()
    login(client, ow.other_bureau)
    html = client.get("/mijn-afrekeningen").get_data(as_text=True)
    assert "nog geen gefactureerde afrekeningen" in html and ow.contract.code not in html
    assert client.get(f"/mijn-afrekeningen/{ow.run.id}").status_code == 404


def test_a_run_not_issued_is_404(db, ow, bureau_client):
    draft = start_run(db, ow.preparer, ow.contract, date(2026, 7, 1))
    db.commit()
    assert bureau_client.get(f"/mijn-afrekeningen/{draft.id}").status_code == 404
    assert bureau_client.get("/mijn-afrekeningen/999999").status_code == 404


def test_the_statement_explains_every_line(db, ow, bureau_client):
    db.commit()
    html = bureau_client.get(f"/mijn-afrekeningen/{ow.run.id}").get_data(as_text=True)
    paid, late, early, duplicate = (row_of(html, c.ref) for c in (ow.paid, ow.late, ow.early, ow.duplicate))
    assert "Betaalbaar" in paid and "€ 800,00" in paid and "Bezwaar maken" not in paid
    assert "Te laat ingediend" in late and "na de uiterste indiendatum 04-04-2026" in late
    assert "Buiten de resultaattermijn" in early and "vóór de start van het traject" in early
    assert "Dubbele declaratie" in duplicate
    for row, line in ((late, ow.line(ow.late)), (early, ow.line(ow.early)), (duplicate, ow.line(ow.duplicate))):
        assert f'href="/bezwaren/nieuw/{line.id}"' in row and "Bezwaar maken" in row
    invoice = ow.invoices[0]
    assert invoice.display_number in html
    for url in (f"/facturen/{invoice.id}", f"/facturen/{invoice.id}/pdf", f"/facturen/{invoice.id}/ubl"):
        assert f'href="{url}"' in html  # the finance area's page and downloads


def test_the_statement_totals_per_municipality(db, ow, bureau_client):
    bergen = f.create_municipality(db, ow.municipality.consortium, "Bergen")
    trajectory = f.create_trajectory(db, ow.contract, bergen)
    f.create_claim(db, trajectory, "intake", review="approved", reviewed=date(2026, 2, 15))
    complete_addresses(db)
    run, invoices = issue(db, ow.contract, ow.preparer, ow.approver)
    db.commit()
    html = bureau_client.get(f"/mijn-afrekeningen/{run.id}").get_data(as_text=True)
    totals = html[html.index("Totalen per gemeente"):html.index("</table>", html.index("Totalen per gemeente"))]
    first = totals[totals.index(ow.municipality.name):totals.index("</tr>", totals.index(ow.municipality.name))]
    # Alkmaar: 4 × 800 of which 800 payable (invoiced before), 2.400 withheld; nothing new this run.
    assert re.findall(r"€ [\d.]+,\d\d", first) == ["€ 3.200,00", "€ 800,00", "€ 2.400,00", "€ 0,00",
                                                     "€ 800,00", "€ 0,00"]
    second = totals[totals.index(bergen.name):totals.index("</tr>", totals.index(bergen.name))]
    assert re.findall(r"€ [\d.]+,\d\d", second) == ["€ 800,00", "€ 800,00", "€ 0,00", "€ 0,00", "€ 0,00",
                                                      "€ 800,00"]
    foot = totals[totals.index("<tfoot>"):]
    assert re.findall(r"€ [\d.]+,\d\d", foot) == ["€ 4.000,00", "€ 1.600,00", "€ 2.400,00", "€ 0,00",
                                                    "€ 800,00", "€ 800,00"]
    assert f"Regels {bergen.name}" in html and invoices[0].display_number in html


def test_an_open_objection_replaces_the_button_and_a_decided_one_shows_its_outcome(db, ow, bureau_client):
    objection = file_objection(db, ow.bureau, ow.line(ow.late), MOTIVATION)
    rejected = file_objection(db, ow.bureau, ow.line(ow.duplicate), MOTIVATION)
    decide_objection(db, ow.reviewer, rejected, uphold=False, reason="Dubbel is dubbel.")
    db.commit()
    html = bureau_client.get(f"/mijn-afrekeningen/{ow.run.id}").get_data(as_text=True)
    late = row_of(html, ow.late.ref)
    assert f'href="/bezwaren/{objection.id}"' in late and "Bezwaar open" in late and "Bezwaar maken" not in late
    duplicate = row_of(html, ow.duplicate.ref)
    assert "Bezwaar ongegrond" in duplicate and "Bezwaar maken" in duplicate  # may object again


def test_statements_are_in_the_bureaus_menu(db, ow, bureau_client):
    db.commit()
    html = bureau_client.get("/mijn-afrekeningen").get_data(as_text=True)
    assert '<a href="/mijn-afrekeningen" aria-current="page">Mijn afrekeningen</a>' in html
    assert '<a href="/bezwaren/mijn">Mijn bezwaren</a>' in html
