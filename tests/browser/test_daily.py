"""Daily work in the browser: every role reaches each waiting item from its start page through the count, and no
page scrolls sideways on a 390 px phone (every page visited is checked with axe, at 1366 px and at 390 px)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.demo_auditing import AUDITOR_EMAIL

from .axe import assert_accessible
from .conftest import ADMIN, BUREAU, FINANCE, KLANTMANAGER, REVIEWER, login, logout

pytestmark = pytest.mark.browser

ROLES = [BUREAU, KLANTMANAGER, REVIEWER, FINANCE, ADMIN, AUDITOR_EMAIL]
PAGE_SIZE = 10  # the live server's


def _counts(page) -> list[tuple[str, str, int]]:
    return [(a.get_attribute("href"), a.inner_text().split("\n")[0].strip(), int(a.get_attribute("data-count")))
            for a in page.locator("ul.counts a").all()]


def _items(page, href: str):
    """The list's items: the rows of its table (the one after the anchor), or its item panels."""
    if "#" in href:
        return page.locator(f"#{href.split('#')[1]} ~ table").first.locator("tbody tr")
    if page.locator("main table").count():
        return page.locator("main table").first.locator("tbody tr")
    return page.locator("main section.panel")


def _fits(page) -> None:
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url} scrolls sideways at {viewport} px: {width} px wide"


@pytest.mark.parametrize("email", ROLES)
def test_every_count_leads_to_the_waiting_items(page, email):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, email)
    counts = _counts(page)
    assert counts
    assert email == AUDITOR_EMAIL or any(count for _, _, count in counts), counts  # the demo has work for each
    for href, name, count in counts:
        if not count:
            continue
        page.goto(href)
        assert_accessible(page)
        items = _items(page, href)
        shown = items.count()
        assert shown == min(count, PAGE_SIZE) or (shown == count), (name, href, shown, count)
        # The first waiting item opens from the list.
        link = items.first.locator("a").first
        if link.count():
            target = link.get_attribute("href")
            link.click()
            page.wait_for_load_state()
            assert_accessible(page)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert page.url.endswith(target) or target in page.url
    logout(page)


@pytest.mark.parametrize("email", ROLES)
def test_no_page_scrolls_sideways_at_390_px(page, email):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, email)
    _fits(page)
    hrefs = [a.get_attribute("href") for a in page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").all()]
    hrefs += [href for href, _, count in _counts(page) if count] + ["/meldingen", "/account/meldingen"]
    for href in dict.fromkeys(hrefs):
        page.goto(href)
        assert_accessible(page)
        _fits(page)
    logout(page)


def test_the_bsn_button_is_visible_and_dates_are_typed_the_same_in_an_english_browser(browser, live_server):
    """An English browser: the date field is text (no mm/dd/yyyy picker); the 'toon' button is not white on white."""
    from portal.db import get_session
    from portal.models import Client, User
    from sqlalchemy import select
    with live_server.app.app_context():
        session = get_session()
        municipality_id = session.scalar(select(User.municipality_id).where(User.email == KLANTMANAGER))
        client_id = session.scalar(select(Client.id).where(Client.municipality_id == municipality_id).limit(1))
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        login(page, KLANTMANAGER)
        page.goto(f"/clienten/{client_id}")
        assert_accessible(page)
        button = page.get_by_role("button", name=re.compile("Toon het volledige BSN"))
        color, background = button.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b.closest('dd')).backgroundColor]")
        assert color == "rgb(0, 80, 122)" and color != background
        page.goto(f"/clienten/{client_id}/aanmelden")
        assert_accessible(page)
        date_input = page.get_by_label("Datum aanmelding")
        assert date_input.get_attribute("type") == "text" and re.fullmatch(r"\d\d-\d\d-\d{4}", date_input.input_value())
    finally:
        context.close()
