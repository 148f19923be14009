"""Render the PDF of an issued invoice or credit note with a locked-down WeasyPrint.

WeasyPrint fetches every stylesheet, image and font a document names through its
URL fetcher. Since WeasyPrint 68 a fetcher is an instance of `weasyprint.URLFetcher`
(a subclass overriding `fetch(url, headers)` and returning a `URLFetcherResponse`);
`default_url_fetcher` is deprecated. `AssetFetcher` serves only the files in
templates/documents/ named by the ``resultaatportaal-asset:`` scheme and refuses
every other URL (file:, http(s):, data:, ...), so neither a template mistake nor
user text can make the renderer read a local file or call out to the network.
The template gets plain data with autoescape on: user text is printed, never parsed.

Renders are deterministic: the PDF's dates come from the issue date, the embedded
XML's dates too, and the file identifier is a hash of the content, so the same
document gives the same bytes (and the same stored SHA-256).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path

import jinja2
import pydyf
from weasyprint import HTML, Attachment, URLFetcher
from weasyprint.urls import URLFetcherResponse

from .assets import ASSET_SCHEME, TEMPLATE_DIR
from .document import InvoiceDocument
from .format import amount_nl, euro, nl_date, nl_percent
from .labels import (
    DEFAULT_VAT_EXEMPTION,
    DOCUMENT_TITLES,
    reason_text,
    segment_text,
    status_text,
    tranche_text,
)

log = logging.getLogger(__name__)

TEMPLATE_NAME = "invoice.html"
#: File types in templates/documents/ the fetcher may serve; never the templates.
ASSET_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
PDF_VARIANT = "pdf/a-3b"


class RefusedURL(ValueError):
    """The URL is not one of the project's own document assets."""


class AssetFetcher(URLFetcher):
    """Serve ``resultaatportaal-asset:<name>`` from templates/documents/; refuse all else.

    Names are matched exactly against the files present when the fetcher is made,
    so there is no path to normalise and nothing outside the folder to reach.
    """

    def __init__(self, asset_dir: Path = TEMPLATE_DIR):
        super().__init__(allowed_protocols=(ASSET_SCHEME,), allow_redirects=False, timeout=1)
        self._assets = {
            f"{ASSET_SCHEME}:{path.name}": (path, ASSET_TYPES[path.suffix])
            for path in sorted(asset_dir.iterdir())
            if path.is_file() and path.suffix in ASSET_TYPES
        }

    def fetch(self, url, headers=None):
        asset = self._assets.get(url)
        if asset is None:
            log.warning("refused to fetch %.120s while rendering a document", url)
            raise RefusedURL(f"not a document asset: {url[:120]}")
        path, content_type = asset
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        # urllib.request.OpenerDirector entry point: route it through fetch() too.
        return self.fetch(url if isinstance(url, str) else url.full_url)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        euro=euro, amount=amount_nl, nl_date=nl_date, nl_percent=nl_percent,
        reason_text=reason_text, status_text=status_text, tranche_text=tranche_text)
    return env


@lru_cache(maxsize=1)
def _default_fetcher() -> AssetFetcher:
    return AssetFetcher()


def _midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def render_html(doc: InvoiceDocument) -> str:
    """Return the HTML the PDF is made from (plain data in, autoescaped)."""
    exempt = not doc.vat_rate
    return _environment().get_template(TEMPLATE_NAME).render(
        doc=doc,
        title=DOCUMENT_TITLES[doc.kind],
        asset_scheme=ASSET_SCHEME,
        segment=segment_text(doc.contract_segment),
        vat_exempt=exempt,
        vat_exemption_reason=(doc.vat_exemption_reason or DEFAULT_VAT_EXEMPTION) if exempt else "",
        funding=sorted(doc.funding_totals.items()),
        created=_midnight_utc(doc.issue_date).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _list_associated_files_once(document, pdf) -> None:
    """Drop the duplicate /AF entries WeasyPrint 70 writes for a PDF/A-3 attachment."""
    associated = pdf.catalog.get("AF")
    if associated:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(associated))


def render_invoice_pdf(doc: InvoiceDocument, *, ubl_xml: bytes | None = None) -> bytes:
    """Render an issued document to PDF/A-3b; embed `ubl_xml` as its e-invoice if given."""
    return _render(doc, ubl_xml, _default_fetcher())


def _render(doc: InvoiceDocument, ubl_xml: bytes | None, fetcher: URLFetcher) -> bytes:
    html = HTML(string=render_html(doc), base_url=None, url_fetcher=fetcher)
    attachments = []
    if ubl_xml is not None:
        stamp = _midnight_utc(doc.issue_date)
        attachments.append(Attachment(
            string=ubl_xml,
            url_fetcher=fetcher,
            name=f"{doc.number}.xml",
            description="UBL 2.1 e-factuur (Peppol BIS Self-Billing 3.0)",
            created=stamp,
            modified=stamp,
            relationship="Alternative",
        ))
    return html.write_pdf(
        attachments=attachments,
        pdf_variant=PDF_VARIANT,
        finisher=_list_associated_files_once,
        # None: PDF/A's default, an identifier hashed from the content (no random part),
        # so two renders of one document are byte-identical.
        pdf_identifier=None,
        custom_metadata=False,
    )
