"""The money path through the browser: a settlement run from preview to invoices, and the bureau's objection.

financien@ previews a run for Werkkracht's contract, saves the draft and submits it → financien2@
approves it (four eyes), which issues the invoices → finance downloads a PDF and its UBL → the bureau
finds the run in its statements, downloads the same documents, reads why a line was withheld and
objects to it → the contract manager finds the objection in the queue, upholds it with the corrected
submission date → the bureau sees the decision.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import BUREAU, FINANCE, REVIEWER, login, logout

pytestmark = pytest.mark.browser

CONTRACT = "NK-DB-2025-WKN"  # directe bemiddeling en nazorg, Werkkracht Noord BV
SECOND_FINANCE = "financien2@nk.example"
MOTIVATION = ("Wij hebben deze declaratie binnen de termijn per e-mail ingediend; de ontvangstbevestiging van "
              "het consortium sturen wij mee.")


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def submit(page, button: str, url_pattern=None) -> None:
    """Press a form's button and check the page that comes back."""
    page.get_by_role("button", name=button, exact=True).click()
    if url_pattern:
        page.wait_for_url(url_pattern)
    page.wait_for_load_state()
    assert_accessible(page)


def follow(page, link, url_pattern) -> None:
    """Click a link and check the page it leads to."""
    link.click()
    page.wait_for_url(url_pattern)
    page.wait_for_load_state()
    assert_accessible(page)


def download(page, link) -> bytes:
    with page.expect_download() as caught:
        link.click()
    return Path(caught.value.path()).read_bytes()


def prepare_and_submit(page) -> tuple[str, str]:
    """As financien@: preview the run, save it as a draft, submit it; return its URL path and peildatum."""
    login(page, FINANCE)
    nav(page, "Afrekeningen")
    follow(page, page.get_by_role("link", name="Nieuwe afrekening"), "**/afrekeningen/nieuw")
    contracts = page.get_by_label("Contract")
    contracts.select_option(contracts.locator("option", has_text=CONTRACT).get_attribute("value"))
    as_of = page.get_by_label("Peildatum").input_value()  # today, as the form suggests
    submit(page, "Voorbeeld tonen", "**/afrekeningen/nieuw?*")
    expect(page.get_by_role("heading", level=2, name=re.compile(f"^Voorbeeld: {CONTRACT} per"))).to_be_visible()
    expect(page.get_by_text("Er is nog niets opgeslagen of gefactureerd.")).to_be_visible()
    submit(page, "Opslaan als concept", re.compile(r"/afrekeningen/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("als concept opgeslagen")
    run_path = page.url.removeprefix(page.url.split("/afrekeningen/")[0])
    submit(page, "Indienen ter goedkeuring", re.compile(r"/afrekeningen/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("De afrekening is ingediend.")
    expect(page.get_by_role("button", name="Goedkeuren en factureren")).to_have_count(0)  # four eyes
    logout(page)
    return run_path, as_of


def approve_and_download(page, run_path: str) -> tuple[str, bytes, bytes]:
    """As financien2@: approve the run from the list, open its first invoice, download PDF and UBL."""
    login(page, SECOND_FINANCE)
    nav(page, "Afrekeningen")
    run_id = run_path.rsplit("/", 1)[1]
    follow(page, page.get_by_role("link", name=f"Afrekening {run_id}", exact=True), f"**{run_path}")
    submit(page, "Goedkeuren en factureren", re.compile(r"/afrekeningen/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("is goedgekeurd en")
    documents = page.get_by_role("region", name="Uitgegeven documenten").get_by_role("link")
    number = documents.first.inner_text().strip()
    follow(page, documents.first, re.compile(r"/facturen/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    pdf = download(page, page.get_by_role("link", name=f"Download PDF van {number}"))
    ubl = download(page, page.get_by_role("link", name=f"Download e-factuur (UBL) van {number}"))
    assert pdf.startswith(b"%PDF-") and number.encode() in ubl and b"<cbc:InvoiceTypeCode" in ubl
    logout(page)
    return number, pdf, ubl


def object_as_bureau(page, as_of: str, number: str, pdf: bytes, ubl: bytes) -> str:
    """As the bureau: find the run, download its documents, read a withheld line and object; return its ref."""
    login(page, BUREAU)
    nav(page, "Mijn afrekeningen")
    peildatum = as_of  # the date field shows dd-mm-jjjj in every browser language
    heading = page.get_by_role("heading", level=2, name=f"{CONTRACT}, peildatum {peildatum}")
    expect(heading).to_be_visible()
    # The bureau gets exactly the documents finance issued, unchanged.
    assert download(page, page.get_by_role("link", name=f"{number} downloaden als PDF")) == pdf
    assert download(page, page.get_by_role("link", name=f"{number} downloaden als e-factuur (UBL)")) == ubl
    follow(page, heading.get_by_role("link"), re.compile(r"/mijn-afrekeningen/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Afrekening {CONTRACT} per {peildatum}")

    # Each line is a row group: its amounts, and below them why it was withheld (shown straight away).
    late = page.get_by_role("rowgroup").filter(has_text="Te laat ingediend").filter(
        has=page.get_by_role("link", name=re.compile("^Bezwaar maken"))).first
    ref = late.get_by_role("rowheader").inner_text().split()[0]
    expect(late.get_by_text(re.compile("na de uiterste indiendatum"))).to_be_visible()
    follow(page, late.get_by_role("link", name=re.compile("^Bezwaar maken")), re.compile(r"/bezwaren/nieuw/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ref)
    page.get_by_label("Motivering van uw bezwaar").fill("Klopt niet.")
    submit(page, "Bezwaar indienen")  # too short: the form comes back with the message
    expect(page.get_by_role("alert")).to_contain_text("ten minste 20")
    page.get_by_label("Motivering van uw bezwaar").fill(MOTIVATION)
    submit(page, "Bezwaar indienen", re.compile(r"/bezwaren/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("is ingediend")
    logout(page)
    return ref


def decide_as_contract_manager(page, ref: str) -> None:
    """As the contract manager: find the objection in the queue, read it, uphold it with the corrected date."""
    login(page, REVIEWER)
    nav(page, "Bezwaren")
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row.get_by_role("cell").nth(1)).to_have_text("Open")
    follow(page, row.get_by_role("link"), re.compile(r"/bezwaren/\d+$"))
    expect(page.get_by_text(MOTIVATION)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ref)
    claim = page.get_by_role("region", name="De declaratie nu")
    happened = claim.locator("dt:text-is('Datum mijlpaal') + dd").inner_text().strip()
    page.get_by_label("Gegrond", exact=True).check()
    page.get_by_label("Gecorrigeerde indieningsdatum").fill(datetime.strptime(happened, "%d-%m-%Y").date().isoformat())
    page.get_by_label("Reden van het besluit").fill("Ontvangstbevestiging gezien: tijdig ingediend.")
    submit(page, "Besluit vastleggen", re.compile(r"/bezwaren$"))
    expect(page.get_by_role("status").first).to_contain_text("gegrond verklaard")
    logout(page)


def test_run_issue_download_and_object(page, live_server):
    run_path, as_of = prepare_and_submit(page)
    number, pdf, ubl = approve_and_download(page, run_path)
    ref = object_as_bureau(page, as_of, number, pdf, ubl)
    decide_as_contract_manager(page, ref)

    login(page, BUREAU)
    nav(page, "Mijn bezwaren")
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row).to_contain_text("Gegrond")
    expect(row).to_contain_text("Ontvangstbevestiging gezien")
