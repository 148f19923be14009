"""The whole path through the browser: referral, acceptance, claims with evidence, review, and the bureau sees it.

klantmanager (Alkmaar) registers a client and refers them to directe bemiddeling at Werkkracht
→ the bureau accepts, claims the intake and registers a placement with a PDF payslip
→ the contract manager approves both → the bureau sees both approved on the trajectory page.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from portal import clock

from .axe import assert_accessible
from .conftest import BUREAU, KLANTMANAGER, REVIEWER, login, logout

pytestmark = pytest.mark.browser

CONTRACT = "NK-DB-2025-WKN"  # directe bemiddeling en nazorg, Werkkracht Noord BV


def tiny_pdf(title: str) -> bytes:
    """Return a valid one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert data.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(data)).pages) == 1
    return data


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def submit(page, button: str, url_pattern: str | None = None) -> None:
    """Press a form's button and check the page that comes back."""
    page.get_by_role("button", name=button, exact=True).click()
    if url_pattern:
        page.wait_for_url(url_pattern)
    page.wait_for_load_state()
    assert_accessible(page)


def refer_a_new_client(page, bsn: str) -> tuple[int, str]:
    """As the klantmanager: register the client, refer them; return the trajectory's id and ref."""
    login(page, KLANTMANAGER)
    nav(page, "Cliënt aanmelden")
    page.get_by_label("BSN").fill(bsn)
    submit(page, "Zoeken")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe cliënt registreren")
    expect(page.get_by_label("BSN")).to_have_value(bsn)
    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Achternaam").fill("Browsertest")
    page.get_by_label("Geboortedatum").fill("1991-04-17")
    page.get_by_label("Doelgroep").select_option(label="Statushouder")
    page.get_by_label("Uitkering").select_option(label="Participatiewet")
    submit(page, "Registreren", "**/clienten/*")
    expect(page.get_by_role("status")).to_contain_text("is geregistreerd")

    page.get_by_role("link", name="Aanmelden bij een contract").click()
    page.wait_for_url("**/aanmelden")
    assert_accessible(page)
    contracts = page.get_by_label("Contract (segment en re-integratiebedrijf)")
    contracts.select_option(contracts.locator("option", has_text=CONTRACT).get_attribute("value"))
    page.get_by_label("Toelichting voor het re-integratiebedrijf").fill("Wil graag in de zorg werken.")
    submit(page, "Aanmelden")
    if "/aanmelden" in page.url:  # the demo's volume may be reached: the portal asks to confirm
        page.get_by_label("Ik weet dat het volume bereikt is en meld toch aan").check()
        submit(page, "Aanmelden")
    page.wait_for_url(re.compile(r"/trajecten/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("is aangemeld bij Werkkracht Noord BV")
    trajectory_ref = page.get_by_role("heading", level=1).inner_text().removeprefix("Traject ").strip()
    trajectory_id = int(page.url.rsplit("/", 1)[1])
    logout(page)
    return trajectory_id, trajectory_ref


def accept_and_claim(page, trajectory_ref: str, payslip: bytes, attendance: bytes) -> None:
    """As the bureau: accept the referral, claim the intake, register the placement with a payslip."""
    login(page, BUREAU)
    nav(page, "Nieuwe aanmeldingen")
    page.get_by_role("link", name=re.compile(rf"^{trajectory_ref}\b")).click()
    page.wait_for_url(re.compile(r"/trajecten/\d+$"))
    assert_accessible(page)
    submit(page, "Accepteren")
    expect(page.get_by_role("status")).to_contain_text("De aanmelding is geaccepteerd.")

    page.get_by_role("link", name="Mijlpaal declareren").click()
    page.wait_for_url("**/declareren")
    assert_accessible(page)
    page.get_by_label("Mijlpaal", exact=True).select_option(label="Intake")
    page.get_by_label("Soort bewijsstuk").select_option(label="Presentielijst")
    page.get_by_label("Bewijsstukken (PDF, PNG of JPEG, elk hoogstens 10 MB)").set_input_files(
        files=[{"name": "presentielijst-intake.pdf", "mimeType": "application/pdf", "buffer": attendance}])
    submit(page, "Declareren", re.compile(r"/trajecten/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("De mijlpaal is gedeclareerd")

    page.get_by_role("link", name="Plaatsing registreren").click()
    page.wait_for_url("**/plaatsing")
    assert_accessible(page)
    page.get_by_label("Naam werkgever").fill("Zorggroep Noorderkwartier")
    page.get_by_label("KvK-nummer werkgever").fill("37098765")
    page.get_by_label("Eerste werkdag").fill(clock.today().isoformat())  # a date input takes yyyy-mm-dd
    page.get_by_label("Soort contract").select_option(label="Bepaalde tijd")
    page.get_by_label("Uren per week").fill("32")
    page.get_by_label("Bruto maandloon (€)").fill("2.150,00")
    page.get_by_label("Uitkering stopt").select_option(label="Volledig")
    page.get_by_label("Soort bewijsstuk").select_option(label="Loonstrook")
    page.get_by_label("Bewijsstukken (PDF, PNG of JPEG, elk hoogstens 10 MB)").set_input_files(
        files=[{"name": "loonstrook.pdf", "mimeType": "application/pdf", "buffer": payslip}])
    submit(page, "Plaatsing registreren en declareren", re.compile(r"/trajecten/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("De plaatsing is geregistreerd en gedeclareerd.")
    logout(page)


def filter_queue(page) -> None:
    """As the reviewer: open the queue and show only the contract's claims."""
    nav(page, "Beoordelen")
    contracts = page.get_by_label("Contract")
    contracts.select_option(contracts.locator("option", has_text=CONTRACT).get_attribute("value"))
    submit(page, "Filteren", "**/beoordelen?*")


def approve_from_queue(page, trajectory_ref: str, milestone: str, evidence: bytes, filename: str) -> None:
    """As the reviewer, on a queue page: find the trajectory's claim, check its evidence, approve it."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=trajectory_ref, exact=True)).filter(
        has=page.get_by_role("cell", name=milestone, exact=True))
    while not row.count():  # new claims are the youngest: oldest first puts them at the end
        page.get_by_role("link", name="Volgende").click()
        page.wait_for_load_state()
        assert_accessible(page)
    expect(row.get_by_role("cell").last).to_have_text("1")  # one evidence file
    row.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/beoordelen/\d+\?next="))
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(milestone)
    with page.expect_download() as download:
        page.get_by_role("link", name=filename).click()
    assert download.value.suggested_filename == filename
    assert Path(download.value.path()).read_bytes() == evidence  # stored and served unchanged
    # On to the next claim of the same filtered queue (or back on it when none is left).
    submit(page, "Goedkeuren", re.compile(r"/beoordelen(/\d+\?next=|\?contract=\d+)"))
    expect(page.get_by_role("status").filter(has_text="is goedgekeurd.")).to_be_visible()
    if "?next=" in page.url:
        page.get_by_role("link", name="Terug naar de declaraties te beoordelen").click()
        page.wait_for_url(re.compile(r"/beoordelen\?contract=\d+"))
        assert_accessible(page)


def test_referral_to_approved_claims(page, live_server):
    """Klantmanager refers, bureau accepts and claims with evidence, reviewer approves, bureau sees it."""
    payslip, attendance = tiny_pdf("Loonstrook"), tiny_pdf("Presentielijst")
    trajectory_id, trajectory_ref = refer_a_new_client(page, live_server.fresh_bsns.pop())
    accept_and_claim(page, trajectory_ref, payslip, attendance)

    login(page, REVIEWER)
    filter_queue(page)
    approve_from_queue(page, trajectory_ref, "Intake", attendance, "presentielijst-intake.pdf")
    approve_from_queue(page, trajectory_ref, "Plaatsing", payslip, "loonstrook.pdf")
    logout(page)

    login(page, BUREAU)
    nav(page, "Trajecten")
    page.get_by_label("Zoeken").fill(trajectory_ref)
    submit(page, "Toon", "**/trajecten?*")
    page.get_by_role("link", name=trajectory_ref, exact=True).click()
    page.wait_for_url(f"**/trajecten/{trajectory_id}")
    assert_accessible(page)
    claims = page.get_by_role("table").first
    for milestone in ("Intake", "Plaatsing"):
        row = claims.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{milestone}")))
        expect(row.locator(".badge")).to_have_text("Goedgekeurd")
