import hashlib
import io
import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from portal.invoicing import euro, render_invoice_pdf, render_ubl
from portal.invoicing import pdf as pdf_module
from portal.invoicing.pdf import ASSET_SCHEME, AssetFetcher, RefusedURL, render_html

from .factories import create_annex_line, create_bureau, create_credit_note, create_document, \
    create_line

STYLESHEET = f"{ASSET_SCHEME}:invoice.css"


def pdf_text(pdf: bytes, tmp_path, *, layout: bool = False) -> str:
    """Return the PDF's text as pdftotext reads it, whitespace collapsed to single spaces.

    The default mode reads each table column as a block; `layout` keeps table rows
    together, so a label and its amount end up next to each other.
    """
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    options = ["-layout"] if layout else []
    result = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],
                            capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def squeezed(text: str) -> str:
    """Drop all whitespace: text in a narrow table cell wraps wherever it may break."""
    return "".join(text.split())


class SpyFetcher(AssetFetcher):
    """The real fetcher, recording every URL WeasyPrint asks for."""

    def __init__(self):
        super().__init__()
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def spy(monkeypatch):
    fetcher = SpyFetcher()
    monkeypatch.setattr(pdf_module, "_default_fetcher", lambda: fetcher)
    return fetcher


@pytest.fixture(scope="module")
def invoice():
    doc = create_document()
    xml = render_ubl(doc)
    return doc, xml, render_invoice_pdf(doc, ubl_xml=xml)


def test_pdf_shows_number_totals_parties_and_annex(invoice, tmp_path):
    doc, _, pdf = invoice
    text = pdf_text(pdf, tmp_path)
    assert pdf.startswith(b"%PDF-")
    assert "Factuur 2026-000042" in text
    assert "Zelffacturatie — namens Werkkracht Re-integratie B.V. opgesteld door " \
           "Regio Noord-Kennemerland" in text
    assert "Factuur uitgereikt door afnemer" in text
    assert "Factuurdatum 01-12-2026" in text and "Vervaldatum 31-12-2026" in text
    assert "Peildatum 30-11-2026" in text
    # The totals are printed in Dutch and equal the document's to the cent.
    rows = pdf_text(pdf, tmp_path, layout=True)
    assert re.search(r"Subtotaal \(excl\. btw\) (€ -?[\d.]+,\d\d)", rows)[1] == euro(doc.subtotal)
    assert re.search(r"Btw 21 % over € [\d.,]+ (€ -?[\d.]+,\d\d)", rows)[1] == euro(doc.vat)
    assert re.search(r"Totaal \(incl\. btw\) (€ -?[\d.]+,\d\d)", rows)[1] == euro(doc.total)
    assert euro(doc.total) == "€ 2.269,36"
    assert "ESF € 937,75" in rows and "WERKDEEL € 937,75" in rows
    assert "KvK 12345678" in text and "BTW-id NL123456789B01" in text
    assert "IBAN NL91ABNA0417164300" in text
    assert "CBS-code 0361" in text
    assert "€ 1.250,00" in text and "€ 625,50" in text
    assert "Specificatie" in text
    for annex_line in doc.annex:
        assert annex_line.reason_text in text and annex_line.reason in text
    assert "pagina 1 van 2" in text and "pagina 2 van 2" in text


def test_credit_note_pdf(tmp_path):
    doc = create_credit_note()
    pdf = render_invoice_pdf(doc)
    text = pdf_text(pdf, tmp_path)
    assert "Creditnota 2026-000043" in text
    assert "Correctie op factuur 2026-000017" in text
    rows = pdf_text(pdf, tmp_path, layout=True)
    assert re.search(r"Totaal \(incl\. btw\) (€ -?[\d.]+,\d\d)", rows)[1] == "€ -1.149,50"
    assert "Goedkeuring ingetrokken" in text
    assert "Het bedrag van € 1.149,50 wordt uiterlijk 31-12-2026 verrekend" in text


def test_exempt_invoice_says_why(tmp_path):
    doc = create_document(vat_rate=D("0"), vat_exemption_reason="Vrijgesteld (art. 11 lid 1 Wet OB)")
    text = pdf_text(render_invoice_pdf(doc), tmp_path, layout=True)
    assert "Btw 0 % — Vrijgesteld (art. 11 lid 1 Wet OB) € 0,00" in text


def test_every_page_is_numbered_x_of_y(tmp_path):
    doc = create_document([create_line(n, D("100.00")) for n in range(1, 71)])
    pdf = render_invoice_pdf(doc)
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    assert count >= 3
    text = pdf_text(pdf, tmp_path)
    for page in range(1, count + 1):
        assert f"pagina {page} van {count}" in text


def test_ubl_is_embedded_as_attachment(invoice):
    doc, xml, pdf = invoice
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert list(attachments) == [f"{doc.number}.xml"]
    assert attachments[f"{doc.number}.xml"] == [xml]
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    associated = catalog["/AF"]  # PDF/A-3: the XML is an associated file, listed once
    assert len(associated) == 1
    assert associated[0].get_object()["/AFRelationship"] == "/Alternative"


def test_no_attachment_without_ubl():
    assert PdfReader(io.BytesIO(render_invoice_pdf(create_document()))).attachments == {}


def test_pdf_is_pdf_a_3b_dated_by_the_issue_date(invoice):
    _, _, pdf = invoice
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.metadata.creation_date == datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert reader.metadata.title == "Factuur 2026-000042"
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_rendering_is_deterministic(invoice):
    doc, xml, pdf = invoice
    again = render_invoice_pdf(doc, ubl_xml=xml)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(pdf).hexdigest()


def test_rendering_is_deterministic_across_processes(invoice):
    """Another process, another hash seed: still the same bytes (the stored SHA-256 holds)."""
    _, _, pdf = invoice
    script = ("import hashlib, sys\n"
              "from tests.invoicing.factories import create_document\n"
              "from portal.invoicing import render_invoice_pdf, render_ubl\n"
              "doc = create_document()\n"
              "sys.stdout.write(hashlib.sha256(render_invoice_pdf(doc, ubl_xml=render_ubl(doc)))"
              ".hexdigest())\n")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env,
                            capture_output=True, text=True, check=True)
    assert result.stdout == hashlib.sha256(pdf).hexdigest()


# -- the locked-down URL fetcher --------------------------------------------------------

def test_fetcher_serves_the_stylesheet():
    response = AssetFetcher().fetch(STYLESHEET)
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file:///work/main/templates/documents/invoice.css",
    "http://127.0.0.1:9/evil.css",
    "https://example.com/logo.png",
    "data:text/css,body{color:red}",
    "ftp://example.com/x",
    f"{ASSET_SCHEME}:invoice.html",  # the template itself is not an asset
    f"{ASSET_SCHEME}:../../pyproject.toml",
    f"{ASSET_SCHEME}:/etc/passwd",
    f"{ASSET_SCHEME}:invoice.css/../invoice.html",
    f"{ASSET_SCHEME.upper()}:invoice.css",
    "invoice.css",
])
def test_fetcher_refuses_everything_else(url):
    with pytest.raises(RefusedURL):
        AssetFetcher().fetch(url)
    with pytest.raises(RefusedURL):
        AssetFetcher().open(url)


def test_weasyprint_goes_through_the_fetcher_and_gets_nothing(tmp_path):
    fetcher = SpyFetcher()
    html = ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
            '<style>@import url("file:///etc/hostname");</style>'
            '<p>before</p><img src="file:///etc/passwd" alt="">'
            '<p style="background: url(file:///etc/passwd)">after</p>')
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert set(fetcher.requested) == {
        "http://127.0.0.1:9/x.css", "file:///etc/hostname", "file:///etc/passwd"}
    text = pdf_text(pdf, tmp_path)
    assert text == "before after"  # nothing of /etc/passwd was read into the PDF


MALICIOUS = '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
CSS_INJECTION = '</style><style>@import url(http://127.0.0.1:9/evil.css); body{background:url(file:///etc/passwd)}</style>'


def test_user_text_is_printed_and_fetches_nothing(spy, tmp_path):
    doc = create_document(
        [create_line(1, D("1250.00"), description='Plaatsing bij <b>Bakkerij "De Korst"</b> & Zn',
                     client_label='<img src="http://127.0.0.1:9/pixel.png">')],
        supplier=create_bureau(name='Werkkracht <img src="file:///etc/passwd">'),
        annex=(create_annex_line(reason_text='<iframe src="http://127.0.0.1:9/">niet gehaald'),),
        notes=f"{MALICIOUS}\n{CSS_INJECTION}",
    )
    pdf = render_invoice_pdf(doc, ubl_xml=render_ubl(doc))
    assert spy.requested == [STYLESHEET]  # the one own asset, nothing from user text
    text = pdf_text(pdf, tmp_path)
    assert MALICIOUS in text
    assert CSS_INJECTION in text
    assert 'Plaatsing bij <b>Bakkerij "De Korst"</b> & Zn' in text
    assert 'Werkkracht <img src="file:///etc/passwd">' in text
    assert squeezed('<iframe src="http://127.0.0.1:9/">niet gehaald') in squeezed(text)
    assert squeezed('<img src="http://127.0.0.1:9/pixel.png">') in squeezed(text)
    assert "root:x:0:0" not in text


def test_template_autoescapes_user_text():
    html = render_html(create_document(notes='<img src="file:///etc/passwd">'))
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert html.count("<link ") == 1 and f'href="{STYLESHEET}"' in html
