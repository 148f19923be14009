"""Over volume through the amendment: the bureau objects to an over-volume line of the demo's second run
for Werkkracht, the contract manager reads that only an amendment helps and follows the link to the
contract, upholds; beheer proposes a higher Alkmaar cap, financien2@ approves it; finance compares the
run with a new preview and reads that the amendment makes the line payable."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import ADMIN, BUREAU, FINANCE, REVIEWER, login, logout

pytestmark = pytest.mark.browser

CONTRACT = "NK-DB-2025-WKN"
MOTIVATION = "Het consortium heeft het plafond voor Alkmaar mondeling verhoogd; zie het verslag van de stuurgroep."


def go(page, locator, url_pattern) -> None:
    locator.click()
    page.wait_for_url(url_pattern)
    page.wait_for_load_state()
    assert_accessible(page)


def test_over_volume_objection_amendment_and_the_diff(page):
    login(page, BUREAU)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn afrekeningen", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    heading = page.get_by_role("heading", level=2, name=f"{CONTRACT}, peildatum 30-09-2026")
    go(page, heading.get_by_role("link"), re.compile(r"/mijn-afrekeningen/\d+$"))
    over = page.get_by_role("rowgroup").filter(has_text="Boven het gecontracteerde volume").filter(
        has=page.get_by_role("link", name=re.compile("^Bezwaar maken"))).first
    ref = over.get_by_role("rowheader").inner_text().split()[0]
    go(page, over.get_by_role("link", name=re.compile("^Bezwaar maken")), re.compile(r"/bezwaren/nieuw/\d+$"))
    page.get_by_label("Motivering van uw bezwaar").fill(MOTIVATION)
    page.get_by_role("button", name="Bezwaar indienen", exact=True).click()
    page.wait_for_url(re.compile(r"/bezwaren/\d+$"))
    assert_accessible(page)
    objection_url = page.url
    logout(page)

    login(page, REVIEWER)
    page.goto(objection_url)
    assert_accessible(page)
    expect(page.get_by_text("contractwijziging").first).to_be_visible()
    page.get_by_label("Gegrond", exact=True).check()
    page.get_by_label("Reden van het besluit").fill("Gegrond: het plafond wordt met een contractwijziging verhoogd.")
    page.get_by_role("button", name="Besluit vastleggen", exact=True).click()
    page.wait_for_url(re.compile(r"/bezwaren$"))
    assert_accessible(page)
    page.goto(objection_url)
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ref)
    logout(page)

    login(page, ADMIN)
    page.goto("/beheer/")
    assert_accessible(page)
    go(page, page.get_by_role("link", name=CONTRACT, exact=True), re.compile(r"/beheer/contracten/\d+$"))
    go(page, page.get_by_role("link", name="Wijziging voorstellen"), re.compile(r"/wijzigen$"))
    page.get_by_label("Plafond Alkmaar (0361)").fill("60")
    page.get_by_label("Reden van de wijziging").fill("Bezwaar over volume gegrond: plafond Alkmaar naar 60")
    page.get_by_role("button", name="Wijziging voorstellen").click()
    page.wait_for_url(re.compile(r"/beheer/contracten/\d+$"))
    assert_accessible(page)
    contract_url = page.url
    logout(page)

    login(page, "financien2@nk.example")
    page.goto(contract_url)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Versie \d+ goedkeuren$")).click()
    page.wait_for_load_state()
    assert_accessible(page)
    logout(page)

    login(page, FINANCE)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verschil tussen afrekeningen", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Contract").select_option(CONTRACT)
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    source = page.get_by_label("Van afrekening", exact=True)
    source.select_option(label=source.locator("option", has_text="30-09-2026").first.inner_text().strip())
    page.get_by_label("Naar", exact=True).select_option("preview")
    page.get_by_label("Peildatum van het voorbeeld").fill("2026-09-30")
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    page.wait_for_url(re.compile(r"/afrekeningen/verschil\?"))
    assert_accessible(page)
    row = page.get_by_role("table", name="Veranderde regels").get_by_role("row").filter(has_text=ref).first
    expect(row).to_contain_text("Contractwijziging versie")
    expect(row).to_contain_text("Frank Financiën")
    logout(page)
