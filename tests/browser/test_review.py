"""The contract manager's work in the browser: the queue, rejecting with a reason, revoking an approval."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import REVIEWER, login

pytestmark = pytest.mark.browser


def open_from_queue(page, claim) -> None:
    """Find a claim in the queue filtered on its contract, paging on when needed, and open it."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beoordelen").click()
    page.wait_for_url("**/beoordelen")
    assert_accessible(page)
    contracts = page.get_by_label("Contract")
    contracts.select_option(contracts.locator("option", has_text=claim.contract_code).get_attribute("value"))
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**/beoordelen?*")
    assert_accessible(page)
    while not page.get_by_role("link", name=claim.ref, exact=True).count():
        page.get_by_role("link", name="Volgende").click()
        page.wait_for_load_state()
        assert_accessible(page)
    page.get_by_role("link", name=claim.ref, exact=True).click()
    page.wait_for_url(re.compile(rf"/beoordelen/{claim.id}(\?|$)"))
    assert_accessible(page)


def test_reviewer_rejects_a_claim_and_must_give_a_reason(page, live_server):
    claim = live_server.claims["to_reject"]
    login(page, REVIEWER)
    open_from_queue(page, claim)
    expect(page.get_by_role("heading", level=1)).to_contain_text(claim.ref)

    page.get_by_role("button", name="Afkeuren").click()
    expect(page.get_by_role("alert").filter(has_text="Controleer het formulier")).to_be_visible()
    expect(page.get_by_label("Reden van afkeuring")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Reden van afkeuring").select_option(label="Bewijs past niet bij de declaratie")
    page.get_by_label("Toelichting voor het bureau").fill("De loonstrook is van een andere werkgever.")
    page.get_by_role("button", name="Afkeuren").click()
    # On to the next claim of the filtered queue; the rejected one has left the queue.
    page.wait_for_url(re.compile(r"/beoordelen/\d+\?next=.*contract"))
    expect(page.get_by_role("status").filter(has_text=f"Declaratie {claim.ref} is afgekeurd.")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(claim.ref)
    page.get_by_role("link", name="Terug naar de declaraties te beoordelen").click()
    page.wait_for_url(re.compile(r"/beoordelen\?contract=\d+"))
    assert_accessible(page)
    expect(page.get_by_role("link", name=claim.ref, exact=True)).to_have_count(0)


def test_reviewer_revokes_an_approval_after_an_audit(page, live_server):
    claim = live_server.claims["to_revoke"]
    login(page, REVIEWER)
    page.goto(f"/beoordelen/{claim.id}")
    assert_accessible(page)
    expect(page.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    page.get_by_label("Reden van intrekking").fill("Auditbevinding: de werkgever bestaat niet.")
    page.get_by_role("button", name="Goedkeuring intrekken").click()
    page.wait_for_url(f"**/beoordelen/{claim.id}")
    expect(page.get_by_role("status")).to_contain_text("is ingetrokken")
    expect(page.get_by_text("(goedkeuring ingetrokken)")).to_be_visible()
    expect(page.get_by_role("cell", name="Auditbevinding: de werkgever bestaat niet.")).to_be_visible()
    assert_accessible(page)


def test_queue_shows_waiting_time_in_working_days(page, live_server):
    claim = live_server.claims["to_look_at"]
    login(page, REVIEWER)
    page.get_by_role("link", name="Declaraties te beoordelen").click()
    page.wait_for_url("**/beoordelen")
    assert_accessible(page)
    expect(page.get_by_role("columnheader", name="Wacht (werkdagen)")).to_be_visible()
    # The demo's oldest claims have waited for months: flagged in words, not by colour alone.
    expect(page.get_by_role("row").nth(1)).to_contain_text("Te lang")
    page.get_by_label("Re-integratiebedrijf").select_option(label="Werkkracht Noord BV")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**/beoordelen?*")
    assert_accessible(page)
    bureaus = page.locator("tbody tr td:nth-child(5)").all_inner_texts()
    assert bureaus and set(bureaus) == {"Werkkracht Noord BV"}
    assert claim.ref  # set aside for this test: only looked at, never decided
