"""The results pages: a bureau sees its own cohorts and forecast, the consortium compares, bad input is a 400."""
from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from portal.models import AuditEvent, MunicipalityBudget
from portal.results.service import contract_results

from .conftest import AS_OF, login

PEILDATUM = AS_OF.strftime("%d-%m-%Y")


def test_a_bureau_sees_its_own_cohorts_and_forecast_only(app, db, segment):
    client = app.test_client()
    login(client, segment.users["bureau_a"])
    page = client.get(f"/resultaten/mijn?peildatum={PEILDATUM}").get_data(as_text=True)
    assert f"{segment.contract_a.code} —" in page and f"{segment.contract_b.code} —" not in page
    assert segment.bureau_b.name not in page
    results = contract_results(db, segment.contract_a, AS_OF)
    cohort, forecast = results.cohort_pairs()[0]
    assert (cohort.numerator, cohort.denominator) == (3, 10)
    # 35 % of 10 is 3.5: one more placement reaches the norm; seven can still deliver.
    assert (forecast.needed, forecast.can_deliver) == (1, 7)
    row = re.search(r"<table class=\"forecast\">.*?</table>", page, re.S).group(0)
    assert "<strong>1</strong>" in row and ">7<" in row
    # The segment's average: (3 + 0) / (10 + 6) = 18,75 %.
    assert "18,75 %" in page


def test_the_dashboard_puts_the_bureaus_side_by_side(app, db, segment):
    client = app.test_client()
    login(client, segment.users["reviewer"])
    response = client.get(f"/resultaten?segment=directe_bemiddeling&peildatum={PEILDATUM}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert segment.bureau_a.name in page and segment.bureau_b.name in page
    assert "3 / 10" in page and "0 / 6" in page
    # The charts need no script (the only one on any page is the layout's static narrow.js, issue 14).
    assert page.count("<script") == page.count('<script src="/static/narrow.js"') and 'src="data:image/svg+xml;base64,' in page


def test_a_klantmanager_counts_only_their_municipality(app, db, segment):
    client = app.test_client()
    login(client, segment.users["klantmanager_bergen"])
    page = client.get(f"/resultaten?segment=directe_bemiddeling&peildatum={PEILDATUM}").get_data(as_text=True)
    table = re.search(r'<table class="side-by-side".*?</table>', page, re.S).group(0)
    # Bureau A has 4 trajectories in Bergen, bureau B none; the filter cannot be widened.
    cells = re.findall(r'<td class="num">(\d+)</td>', table)
    assert cells[0] == "4" and cells.count("0") >= 1
    widened = client.get(f"/resultaten?gemeente={segment.alkmaar.id}&peildatum={PEILDATUM}").get_data(as_text=True)
    assert re.search(r'<table class="side-by-side".*?<td class="num">4</td>', widened, re.S)


def test_bad_filters_are_named_in_dutch_and_nothing_breaks(app, db, segment):
    client = app.test_client()
    login(client, segment.users["reviewer"])
    response = client.get("/resultaten?periode=2026-K9&peildatum=31-02-2026&doelgroep=x&contract=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("Periode:", "Peildatum:", "Doelgroep:", "Contract:"):
        assert field in page
    assert client.get("/resultaten/mijn?peildatum=morgen").status_code == 403  # reviewer is no bureau
    login(client, segment.users["bureau_a"])
    assert client.get("/resultaten/mijn?peildatum=01-01-2999").status_code == 400


def test_creaming_shows_counts_and_calls_small_numbers_not_significant(app, db, segment):
    client = app.test_client()
    login(client, segment.users["reviewer"])
    page = client.get(f"/resultaten/creaming?peildatum={PEILDATUM}").get_data(as_text=True)
    assert "Te weinig trajecten" in page and "Overig" in page
    from portal.results.creaming import fisher
    assert not fisher(3, 1, 1, 2).flagged  # small: never significant
    clear = fisher(30, 10, 5, 40)
    assert clear.flagged and clear.p_value < 0.001
    assert not fisher(10, 30, 10, 30).flagged


def test_the_admin_sets_a_budget_and_bad_amounts_store_nothing(app, db, segment):
    client = app.test_client()
    login(client, segment.users["admin"])
    bad = client.post("/resultaten/budgetten", data={"municipality_id": segment.alkmaar.id, "year": "2026",
                                                    "amount": "-5"})
    assert bad.status_code == 400 and "Budget: het bedrag mag niet negatief zijn." in bad.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(MunicipalityBudget)) == 0
    good = client.post("/resultaten/budgetten", data={"municipality_id": segment.alkmaar.id, "year": "2026",
                                                     "amount": "10.000,00"})
    assert good.status_code == 302
    assert db.scalar(select(MunicipalityBudget.amount)) == Decimal("10000.00")
    assert db.scalar(select(func.count()).where(AuditEvent.action == "budget.set")) == 1


def test_volume_warns_when_a_municipality_reaches_its_cap(app, db, segment):
    from portal.models import MunicipalityCap
    db.add(MunicipalityCap(contract_id=segment.contract_b.id, municipality_id=segment.alkmaar.id, cap=6))
    db.commit()
    client = app.test_client()
    login(client, segment.users["reviewer"])
    page = client.get(f"/resultaten/volume?peildatum={PEILDATUM}").get_data(as_text=True)
    assert "Volume bereikt: nieuwe trajecten worden niet betaald." in page


def test_the_council_report_has_a_pdf_and_every_table_as_csv(app, db, segment):
    client = app.test_client()
    login(client, segment.users["reviewer"])
    page = client.get("/resultaten/raadsrapportage?periode=2026-K3").get_data(as_text=True)
    names = re.findall(r"/resultaten/raadsrapportage/([\w-]+)\.csv", page)
    assert {"bureaus", "cohorten", "doelgroepen"} <= set(names)
    for name in names:
        response = client.get(f"/resultaten/raadsrapportage/{name}.csv?periode=2026-K3")
        assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    bureaus = client.get("/resultaten/raadsrapportage/bureaus.csv?periode=2026-K3").get_data(as_text=True)
    assert segment.contract_a.code in bureaus and ";3;10;30,00;" in bureaus
    pdf = client.get("/resultaten/raadsrapportage.pdf?periode=2026-K3")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/resultaten/raadsrapportage?periode=2099").status_code == 400
    assert client.get("/resultaten/raadsrapportage/geheim.csv?periode=2026").status_code == 404


def test_a_chart_is_the_same_svg_every_time_and_runs_no_script():
    from portal.results.charts import ChartData, Series, render_svg
    chart = ChartData(key="k", title="T", kind="line", labels=("2026-K1", "2026-K2"),
                      series=(Series("A", (Decimal("10"), None)),), unit="%", norm=Decimal("35"))
    svg = render_svg(chart)
    assert svg == render_svg(chart) and "<script" not in svg and 'id="chart-k"' in svg


def test_the_start_page_summarises_the_open_cohorts_for_a_bureau(app, db, segment):
    client = app.test_client()
    login(client, segment.users["bureau_a"])
    page = client.get("/start").get_data(as_text=True)
    assert "Mijn resultaten tegen de norm" in page and segment.contract_a.code in page
    assert f">{segment.contract_b.code}<" not in page and f">{segment.contract_a.code}<" in page
    login(client, segment.users["reviewer"])
    assert "Mijn resultaten tegen de norm" not in client.get("/start").get_data(as_text=True)


def test_a_klantmanagers_council_report_counts_their_municipality_only(app, db, segment):
    client = app.test_client()
    login(client, segment.users["klantmanager_bergen"])
    page = client.get("/resultaten/raadsrapportage?periode=2026-K3").get_data(as_text=True)
    assert re.search(r'data-total="referred">4<', page)  # bureau A's four in Bergen
    login(client, segment.users["reviewer"])
    page = client.get("/resultaten/raadsrapportage?periode=2026-K3").get_data(as_text=True)
    assert re.search(r'data-total="referred">16<', page)


def test_the_dashboard_shows_results_per_target_group_and_benefit(app, db, segment):
    client = app.test_client()
    login(client, segment.users["reviewer"])
    page = client.get(f"/resultaten?segment=directe_bemiddeling&peildatum={PEILDATUM}").get_data(as_text=True)
    groups = re.search(r'per doelgroep \(alle bureaus samen\).*?</table>', page, re.S).group(0)
    # Every factory client is "overig" on participatiewet: both bureaus together, 3 of 16.
    assert "Overig" in groups and "3 / 16" in groups and "18,75 %" in groups
    benefits = re.search(r'per uitkering \(alle bureaus samen\).*?</table>', page, re.S).group(0)
    assert "Participatiewet" in benefits and "3 / 16" in benefits
