"""The auditor in the browser: draw a sample, record one error, see the upper error limit, hand the finding to a
contract manager, who revokes the approval; the finding then shows the revocation."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo_auditing import AUDITOR_EMAIL
from portal.models import AuditSample, Contract, MilestoneClaim, Trajectory

from .axe import assert_accessible
from .conftest import REVIEWER, login, logout

pytestmark = pytest.mark.browser
CONTRACT = "NK-VT-2025-KMP"   # not the money path's contract; its claims are nobody else's business here


def _item_to_judge(live_server, sample_id: int) -> tuple[int, str]:
    """Pick a drawn claim that is still approved and not set aside for the reviewer's own test."""
    from portal.db import get_session
    with live_server.app.app_context():
        session = get_session()
        sample = session.get(AuditSample, sample_id)
        for item in sample.items:
            claim = session.get(MilestoneClaim, item.claim_id)
            if claim.review == "approved" and claim.id != live_server.claims["to_revoke"].id:
                return item.position, claim.ref
    raise AssertionError("no approved claim in the sample")


def test_auditor_samples_finds_an_error_and_a_reviewer_revokes(page, live_server):
    login(page, AUDITOR_EMAIL)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Steekproeven").click()
    page.wait_for_url("**/controle/steekproeven")
    assert_accessible(page)

    contracts = page.get_by_label("Contract", exact=True)
    contracts.select_option(contracts.locator("option", has_text=CONTRACT).get_attribute("value"))
    page.get_by_label("Periode van").fill("2020-01-01")
    page.get_by_label("Periode tot en met").fill("2030-12-31")
    page.get_by_label("Populatie").select_option("approved_claims")
    page.get_by_label("Methode").select_option("attribute")
    page.get_by_label("Betrouwbaarheid").select_option("95")
    page.get_by_label(re.compile("^Toelaatbare afwijking")).fill("30")
    page.get_by_label(re.compile("^Verwachte afwijking")).fill("0")
    page.get_by_label(re.compile("^Startwaarde")).fill("b0b")
    page.get_by_role("button", name="Steekproef trekken").click()
    page.wait_for_url(re.compile(r"/controle/steekproeven/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("is getrokken")
    assert_accessible(page)
    sample_id = int(page.url.rsplit("/", 1)[1])

    position, claim_ref = _item_to_judge(live_server, sample_id)
    item = page.locator(f"#post-{position}")
    item.get_by_label("Bevinding", exact=True).select_option("error")
    item.get_by_role("button", name="Bevinding vastleggen").click()   # no amount: refused, with the field named
    expect(page.get_by_role("alert").first).to_contain_text("Afwijking")
    assert_accessible(page)

    item = page.locator(f"#post-{position}")
    item.get_by_label("Bevinding", exact=True).select_option("error")
    item.get_by_label("Ten onrechte betaald bedrag (bij een fout)").fill("100,00")
    item.get_by_label("Toelichting").fill("Het intakeverslag ontbreekt bij deze declaratie.")
    item.get_by_role("button", name="Bevinding vastleggen").click()
    page.wait_for_url(re.compile(rf"/controle/steekproeven/{sample_id}(#post-\d+)?$"))
    expect(page.get_by_role("status")).to_contain_text(f"Bevinding bij post {position} is vastgelegd")
    expect(page.locator("#upper-limit")).to_contain_text(re.compile(r"€\s?[\d.]+,\d\d \([\d.]+ % van de populatie\)"))
    assert_accessible(page)

    page.locator(f"#post-{position}").get_by_role("button", name="Overdragen aan beoordelaar (intrekking)").click()
    expect(page.get_by_role("status")).to_contain_text("overgedragen aan de contractmanagers")
    assert_accessible(page)

    logout(page)
    login(page, REVIEWER)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Auditbevindingen").click()
    page.wait_for_url("**/controle/bevindingen")
    assert_accessible(page)
    page.get_by_role("link", name=claim_ref, exact=True).click()
    page.wait_for_url(re.compile(r"/beoordelen/\d+$"))
    assert_accessible(page)
    page.get_by_label("Reden van intrekking").fill("Auditbevinding: het intakeverslag ontbreekt.")
    page.get_by_role("button", name="Goedkeuring intrekken").click()
    expect(page.get_by_role("status")).to_contain_text("is ingetrokken")
    assert_accessible(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Auditbevindingen").click()
    page.wait_for_url("**/controle/bevindingen")
    expect(page.get_by_role("row").filter(has_text=claim_ref)).to_contain_text("Ingetrokken op")
    assert_accessible(page)

    logout(page)
    login(page, AUDITOR_EMAIL)
    page.goto(f"/controle/steekproeven/{sample_id}")
    expect(page.locator(f"#post-{position}")).to_contain_text("heeft de goedkeuring ingetrokken")
    assert_accessible(page)
