"""Contract amendment through the browser: beheer proposes a new cap, a second person approves it.

beheer@ opens contract NK-SA-2025-BRG in /beheer, proposes an amendment (a cap for Alkmaar and a
higher price) with a reason, sees that it cannot approve its own proposal → financien2@ approves it
→ the contract page shows the new terms and version 2 in the history. The waiting demo proposal
on NK-DB-2025-STV is shown too.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import ADMIN, login, logout

pytestmark = pytest.mark.browser

CONTRACT = "NK-SA-2025-BRG"


def open_contract(page, code: str) -> None:
    page.goto("/beheer/")
    assert_accessible(page)
    page.get_by_role("link", name=code, exact=True).click()
    page.wait_for_url(re.compile(r"/beheer/contracten/\d+$"))
    assert_accessible(page)


def test_amendment_with_four_eyes(page):
    login(page, ADMIN)
    open_contract(page, "NK-DB-2025-STV")
    expect(page.get_by_role("heading", name="Voorgestelde wijziging: versie 2")).to_be_visible()
    open_contract(page, CONTRACT)
    page.get_by_role("link", name="Wijziging voorstellen").click()
    page.wait_for_url(re.compile(r"/wijzigen$"))
    assert_accessible(page)
    page.get_by_label("Plafond Alkmaar (0361)").fill("8")
    page.get_by_label("Prijs per traject (€)").fill("1.900,00")
    page.get_by_role("button", name="Wijziging voorstellen").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Geef de reden van de wijziging.").first).to_be_visible()  # nothing stored yet
    page.get_by_label("Reden van de wijziging").fill("Stuurgroep: plafond Alkmaar en indexatie 2026")
    page.get_by_role("button", name="Wijziging voorstellen").click()
    page.wait_for_url(re.compile(r"/beheer/contracten/\d+$"))
    assert_accessible(page)
    expect(page.get_by_text("plafond Alkmaar — → 8").first).to_be_visible()
    expect(page.get_by_role("button", name="Versie 2 goedkeuren")).to_have_count(0)  # four eyes
    logout(page)

    login(page, "financien2@nk.example")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Contracten", exact=True).click()
    page.wait_for_url("**/beheer/contracten")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text=CONTRACT)
    expect(row).to_contain_text("Versie 2 wacht op goedkeuring")
    row.get_by_role("link", name=CONTRACT).click()
    page.wait_for_url(re.compile(r"/beheer/contracten/\d+$"))
    assert_accessible(page)
    page.get_by_role("button", name="Versie 2 goedkeuren").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Versie 2 van de contractvoorwaarden is goedgekeurd.")).to_be_visible()
    expect(page.get_by_text("Voorwaarden: versie 2.")).to_be_visible()
    expect(page.get_by_text("Alkmaar: 8")).to_be_visible()
    expect(page.get_by_text("€ 1.900,00").first).to_be_visible()
    history = page.get_by_role("table").last
    expect(history).to_contain_text("Stuurgroep: plafond Alkmaar en indexatie 2026")
    expect(history).to_contain_text("Anja Beheer")
    expect(history).to_contain_text("Frank Financiën")
