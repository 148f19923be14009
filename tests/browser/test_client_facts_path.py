"""Clients as people through the browser: the participatieladder from referral to an approved participation step.

klantmanager (Alkmaar) registers a client and refers them to aanbodversterking at Stap Verder with a
profile, the ladder at intake (rung 2) and the ESF facts → the bureau accepts and proposes rung 4 →
the klantmanager confirms it → the bureau claims the participation step → the contract manager sees
both measurements beside the evidence and approves. Every page is checked with axe.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal import clock

from .axe import assert_accessible
from .conftest import KLANTMANAGER, REVIEWER, login, logout
from .test_whole_path import nav, submit, tiny_pdf

pytestmark = pytest.mark.browser

CONTRACT = "NK-AV-2025-STV"  # aanbodversterking, Stap Verder
BUREAU = "bureau@stapverder.example"


def open_trajectory(page, trajectory_id: int) -> None:
    page.goto(f"/trajecten/{trajectory_id}")
    assert_accessible(page)


def test_ladder_step_from_referral_to_approval(page, live_server):
    # The klantmanager registers the client and records profile, ladder and ESF facts at referral.
    login(page, KLANTMANAGER)
    nav(page, "Cliënt aanmelden")
    page.get_by_label("BSN").fill(live_server.fresh_bsns.pop())
    submit(page, "Zoeken")
    page.get_by_label("Voornaam").fill("Aylin")
    page.get_by_label("Achternaam").fill("Laddertest")
    page.get_by_label("Geboortedatum").fill("1984-09-12")
    page.get_by_label("Doelgroep").select_option(label="Statushouder")
    page.get_by_label("Uitkering").select_option(label="Participatiewet")
    submit(page, "Registreren", "**/clienten/*")
    page.get_by_role("link", name="Aanmelden bij een contract").click()
    page.wait_for_url("**/aanmelden")
    assert_accessible(page)
    contracts = page.get_by_label("Contract (segment en re-integratiebedrijf)")
    contracts.select_option(contracts.locator("option", has_text=CONTRACT).get_attribute("value"))
    submit(page, "Aanmelden")  # without the ladder at intake: refused, naming the field
    expect(page.locator("#ladder_rung-error")).to_contain_text("participatieladder bij intake verplicht")
    page.get_by_label("Cliëntprofiel").select_option(label="Profiel 3: grote afstand tot werk")
    page.get_by_label("Trede op de participatieladder bij intake").select_option(
        label="2 — Sociale contacten buiten de deur")
    page.get_by_label("Geslacht (ESF)").select_option(label="Vrouw")
    page.get_by_label("Opleidingsniveau (ISCED, ESF)").select_option(label="ISCED 2")
    page.get_by_label("Arbeidsmarktstatus bij start (ESF)").select_option(label="Langdurig werkloos")
    submit(page, "Aanmelden")
    if "/aanmelden" in page.url:  # the demo's volume may be reached: the portal asks to confirm
        page.get_by_label("Ik weet dat het volume bereikt is en meld toch aan").check()
        submit(page, "Aanmelden")
    page.wait_for_url(re.compile(r"/trajecten/\d+$"))
    trajectory_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_text("Profiel 3: grote afstand tot werk")).to_be_visible()
    expect(page.locator("dd", has_text="trede 2 — Sociale contacten buiten de deur")).to_be_visible()
    logout(page)

    # The bureau accepts and proposes a higher rung; the page says what counts.
    login(page, BUREAU)
    open_trajectory(page, trajectory_id)
    submit(page, "Accepteren")
    expect(page.get_by_text("een stijging over meerdere treden is één resultaat").first).to_be_visible()
    page.get_by_role("link", name=re.compile("Metingen op de participatieladder")).click()
    page.wait_for_url("**/ladder")
    assert_accessible(page)
    page.get_by_label("Trede", exact=True).select_option(label="4 — Onbetaald werk")
    page.get_by_label("Datum meting").fill(clock.today().isoformat())
    page.get_by_label("Toelichting").fill("Doet twee dagen per week vrijwilligerswerk in de buurtkamer.")
    submit(page, "Voorstellen", "**/ladder")
    expect(page.get_by_role("status")).to_contain_text("de klantmanager bevestigt hem")
    # Without the confirmation a step cannot be claimed.
    open_trajectory(page, trajectory_id)
    page.get_by_role("link", name="Mijlpaal declareren").click()
    page.wait_for_url("**/declareren")
    assert_accessible(page)
    page.get_by_label("Mijlpaal", exact=True).select_option(label="Participatiestap")
    page.get_by_label("Soort bewijsstuk").select_option(label="Presentielijst")
    evidence = tiny_pdf("Verklaring vrijwilligerswerk")
    page.get_by_label("Bewijsstukken (PDF, PNG of JPEG, elk hoogstens 10 MB)").set_input_files(
        files=[{"name": "vrijwilligerswerk.pdf", "mimeType": "application/pdf", "buffer": evidence}])
    submit(page, "Declareren")
    expect(page.locator("#type-error")).to_contain_text("hoger dan de meting bij intake (trede 2)")
    logout(page)

    # The klantmanager confirms the proposed measurement.
    login(page, KLANTMANAGER)
    page.goto(f"/trajecten/{trajectory_id}/ladder")
    assert_accessible(page)
    submit(page, "Bevestigen", "**/ladder")
    expect(page.get_by_role("status")).to_contain_text("De meting is bevestigd.")
    logout(page)

    # Now the bureau claims the step.
    login(page, BUREAU)
    open_trajectory(page, trajectory_id)
    page.get_by_role("link", name="Mijlpaal declareren").click()
    page.wait_for_url("**/declareren")
    assert_accessible(page)
    page.get_by_label("Mijlpaal", exact=True).select_option(label="Participatiestap")
    page.get_by_label("Soort bewijsstuk").select_option(label="Presentielijst")
    page.get_by_label("Bewijsstukken (PDF, PNG of JPEG, elk hoogstens 10 MB)").set_input_files(
        files=[{"name": "vrijwilligerswerk.pdf", "mimeType": "application/pdf", "buffer": evidence}])
    submit(page, "Declareren", re.compile(r"/trajecten/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("De mijlpaal is gedeclareerd")
    claim_link = page.get_by_role("rowheader", name=re.compile("^Participatiestap")).inner_text()
    claim_ref = re.search(r"M\d+", claim_link).group(0)
    logout(page)

    # The contract manager sees both measurements beside the evidence and approves.
    login(page, REVIEWER)
    nav(page, "Beoordelen")
    contracts = page.get_by_label("Contract")
    contracts.select_option(contracts.locator("option", has_text=CONTRACT).get_attribute("value"))
    submit(page, "Filteren", "**/beoordelen?*")
    row = page.get_by_role("row").filter(has_text=claim_ref)
    while not row.count():
        page.get_by_role("link", name="Volgende").click()
        page.wait_for_load_state()
        assert_accessible(page)
    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/beoordelen/\d+"))
    assert_accessible(page)
    ladder = page.get_by_role("region", name="Participatieladder")
    expect(ladder.get_by_role("row", name=re.compile("^Bij intake 2 — Sociale contacten"))).to_be_visible()
    expect(ladder.get_by_role("row", name=re.compile("^Bereikt 4 — Onbetaald werk"))).to_be_visible()
    expect(page.get_by_role("link", name="vrijwilligerswerk.pdf")).to_be_visible()
    submit(page, "Goedkeuren")
    expect(page.get_by_role("status")).to_contain_text(f"Declaratie {claim_ref} is goedgekeurd.")


def _demo_ids(live_server) -> dict:
    """A demo trajectory of Werkkracht in Alkmaar with a placement, and a contract."""
    from sqlalchemy import select

    from portal.db import get_session
    from portal.models import Contract, Municipality, Placement, Trajectory
    with live_server.app.app_context():
        session = get_session()
        row = session.execute(
            select(Trajectory.id, Trajectory.client_id, Placement.id, Trajectory.contract_id)
            .join(Placement, Placement.trajectory_id == Trajectory.id)
            .join(Contract, Contract.id == Trajectory.contract_id)
            .join(Municipality, Municipality.id == Trajectory.municipality_id)
            .where(Contract.code == "NK-DB-2025-WKN", Municipality.cbs_code == "0361")
            .order_by(Trajectory.id)).first()
        return {"trajectory": row[0], "client": row[1], "placement": row[2], "contract": row[3]}


def test_the_client_fact_pages_are_accessible_also_with_errors(page, live_server):
    ids = _demo_ids(live_server)
    login(page, KLANTMANAGER)
    page.goto(f"/clienten/{ids['client']}/feiten")
    assert_accessible(page)
    page.get_by_label("Soort gegeven").select_option(label="Uitkering")
    page.get_by_label("Waarde").select_option(label="Doelgroep: Statushouder")
    page.get_by_label("Geldig vanaf").fill("2026-03-01")
    submit(page, "Vastleggen")
    expect(page.locator("#value-error")).to_contain_text("Uitkering: ‘statushouder’ is geen bekende waarde")
    page.get_by_label("Waarde").select_option(label="Uitkering: WW")
    submit(page, "Vastleggen", "**/feiten")
    expect(page.get_by_role("status")).to_contain_text("Het gegeven is vastgelegd.")
    page.goto(f"/trajecten/{ids['trajectory']}/esf")
    assert_accessible(page)
    page.goto(f"/trajecten/{ids['trajectory']}/plaatsingen/{ids['placement']}/wijziging")
    assert_accessible(page)
    logout(page)

    login(page, "bureau@werkkracht.example")
    page.goto(f"/trajecten/{ids['trajectory']}")
    assert_accessible(page)
    page.goto(f"/trajecten/{ids['trajectory']}/activering")
    assert_accessible(page)
    page.goto(f"/trajecten/{ids['trajectory']}/ladder")
    assert_accessible(page)
    logout(page)

    login(page, "beheer@nk.example")
    page.goto("/beheer/clientprofielen")
    assert_accessible(page)
    page.goto(f"/beheer/contracten/{ids['contract']}/duurzame-uitstroom")
    assert_accessible(page)
