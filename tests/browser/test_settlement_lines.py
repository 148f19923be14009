"""Finance reads a run at 1366 px: every money column in view, filters that narrow the lines, plain Dutch."""
from __future__ import annotations

import pytest

from .axe import assert_accessible
from .conftest import FINANCE, login

pytestmark = pytest.mark.browser


def test_the_run_lines_fit_1366_px_and_filter_by_status(page):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, FINANCE)
    page.goto("/afrekeningen")
    assert_accessible(page)
    page.locator("table a[href^='/afrekeningen/']").first.click()  # the newest run: an issued one in the demo
    page.wait_for_load_state()
    assert_accessible(page)
    table = page.locator("table.settlement-lines")
    region = table.evaluate("t => t.parentElement.getBoundingClientRect().right")
    for header in ("Eerder gefactureerd", "Deze afrekening", "In afwachting"):
        cell = table.get_by_role("columnheader", name=header)
        assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= region + 1, f"{header} needs a scroll"
    total = table.locator("tbody th[scope=row]").count()
    status = page.locator("#filter-status option").nth(1).get_attribute("value")
    page.get_by_label("Status").select_option(status)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert_accessible(page)
    shown = page.locator("table.settlement-lines tbody th[scope=row]").count()
    assert 0 < shown <= total and page.get_by_text(f"{shown} van {total} regels.").is_visible()
    page.locator("table.settlement-lines details summary").first.click()
    explanation = page.locator("table.settlement-lines details").first.inner_text()
    assert "Declaratie:" in explanation and "claim" not in explanation.replace("declaratie", "")
