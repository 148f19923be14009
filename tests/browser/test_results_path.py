"""Meten through the browser: a bureau sees its forecast; the contract manager compares two bureaus and opens
the creaming view; the council report PDF downloads and its totals equal the page's.

Set SCREENSHOT_DIR to keep a desktop and a 390 px wide screenshot of every results page.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import BUREAU, REVIEWER, login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name: str) -> None:
    """Keep a desktop and a mobile screenshot when asked (and check the narrow page with axe too)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}-desktop.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/{name}-390.png", full_page=True)
    assert_accessible(page)
    page.set_viewport_size(size)


def go(page, link) -> None:
    link.click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_a_bureau_sees_where_its_cohorts_stand_and_what_they_still_need(page):
    login(page, BUREAU)
    summary = page.get_by_role("region", name="Mijn resultaten tegen de norm")
    expect(summary).to_contain_text("NK-DB-2025-WKN")
    shoot(page, "start-bureau")
    go(page, summary.get_by_role("link", name="Alle cohorten en de prognose"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn resultaten tegen de norm")
    forecast = page.locator("table.forecast").first
    expect(forecast).to_be_visible()
    # The first open cohort's "still needed" is a whole number; the other bureau is never named.
    assert re.fullmatch(r"\d+( niet meer haalbaar)?", forecast.locator("tbody tr td").first.inner_text().strip())
    expect(page.locator("main")).not_to_contain_text("Stap Verder")
    shoot(page, "mijn-resultaten")


def test_the_contract_manager_compares_two_bureaus_and_opens_the_creaming_view(page):
    login(page, REVIEWER)
    go(page, page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Resultaten"))
    page.get_by_label("Perceel").select_option("directe_bemiddeling")
    go(page, page.get_by_role("button", name="Toon"))
    table = page.get_by_role("table", name="Directe bemiddeling en nazorg: bureaus naast elkaar")
    expect(table).to_contain_text("Werkkracht Noord BV")
    expect(table).to_contain_text("Stap Verder Re-integratie BV")
    expect(page.get_by_role("img", name=re.compile("cohorten tegen de norm"))).to_be_visible()
    shoot(page, "dashboard")
    go(page, page.get_by_role("navigation", name="Resultaten").get_by_role("link", name="Creaming"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Creaming")
    # Werkkracht's 2024 results over-represent the groups closest to work (the demo's story).
    section = page.get_by_role("region", name=re.compile("Werkkracht Noord BV — NK-DB-2024-WKN"))
    expect(section).to_contain_text("Let op")
    expect(section.get_by_role("table")).to_contain_text("Jongere")
    shoot(page, "creaming")
    go(page, page.get_by_role("navigation", name="Resultaten").get_by_role("link", name="Volume en geld"))
    expect(page.get_by_role("table", name="Geld tegen het budget 2026")).to_contain_text("Alkmaar")
    shoot(page, "volume")


def test_the_council_report_pdf_has_the_totals_of_the_page(page, tmp_path):
    login(page, REVIEWER)
    page.goto("/resultaten/raadsrapportage?periode=2026-K3")
    assert_accessible(page)
    totals = {key: page.locator(f"main [data-total={key}]").inner_text().strip()
              for key in ("referred", "accepted", "outcomes", "earned")}
    assert int(totals["referred"]) > 0 and totals["earned"].startswith("€")
    shoot(page, "raadsrapportage")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download als PDF").click()
    pdf = tmp_path / "raadsrapportage.pdf"
    pdf.write_bytes(Path(caught.value.path()).read_bytes())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    first_page = text.split("\f")[0]
    row = next(line for line in first_page.splitlines() if totals["earned"] in line)
    assert re.findall(r"\d[\d.]*(?:,\d\d)?", row)[:3] == [totals["referred"], totals["accepted"], totals["outcomes"]]
    assert "Raadsrapportage" in first_page and "2026-K3" in first_page
