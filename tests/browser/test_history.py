"""Finance compares the demo's two issued runs of Werkkracht's contract and reads why lines changed;
the corrections since the last run are one link away from the start page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import FINANCE, login, logout

pytestmark = pytest.mark.browser

CONTRACT = "NK-DB-2025-WKN"


def test_finance_reads_why_lines_changed_between_two_runs(page):
    login(page, FINANCE)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verschil tussen afrekeningen", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Contract").select_option(CONTRACT)
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    for name, as_of in (("Van afrekening", "30-06-2026"), ("Naar", "30-09-2026")):
        select = page.get_by_label(name, exact=True)
        select.select_option(label=select.locator("option", has_text=as_of).first.inner_text().strip())
    page.get_by_role("button", name="Vergelijk", exact=True).click()
    page.wait_for_url(re.compile(r"/afrekeningen/verschil\?"))
    assert_accessible(page)
    table = page.get_by_role("table", name="Veranderde regels")
    # The revocation after the first run and the upheld late submission, each with who recorded it.
    expect(table.get_by_role("row").filter(has_text="goedkeuring ingetrokken").first).to_contain_text(
        "Ruud Contractmanager")
    expect(table.get_by_role("row").filter(has_text="correctie van de indieningsdatum").first).to_contain_text(
        "bezwaar")
    page.goto("/start")
    assert_accessible(page)
    page.get_by_role("link", name="Correcties sinds de laatste afrekening").click()
    page.wait_for_url("**/afrekeningen/correcties")
    assert_accessible(page)
    expect(page.get_by_role("heading", level=2, name=CONTRACT)).to_be_visible()
    logout(page)
