"""Every role's start page and menu, checked with axe."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import ADMIN, BUREAU, FINANCE, KLANTMANAGER, REVIEWER, login, logout

pytestmark = pytest.mark.browser


def test_login_page_refuses_a_wrong_password_accessibly(page):
    page.goto("/login")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(REVIEWER)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("alert").filter(has_text="E-mailadres of wachtwoord onjuist.").wait_for()
    assert_accessible(page)


@pytest.mark.parametrize("email, panel", [
    (KLANTMANAGER, "Klantmanager"), (BUREAU, "Re-integratiebedrijf"), (REVIEWER, "Contractmanager"),
    (FINANCE, "Financiën"), (ADMIN, "Beheer"),
])
def test_start_page_and_menu_per_role(page, email, panel):
    login(page, email)
    expect(page.get_by_role("heading", level=2, name=panel)).to_be_visible()
    menu = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link")
    hrefs = [link.get_attribute("href") for link in menu.all()]
    for href in hrefs:
        page.goto(href)
        assert_accessible(page)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    logout(page)
