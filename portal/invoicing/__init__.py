"""Invoice documents: the frozen copy of an issued invoice, its PDF and its UBL.

Self-contained: no database, no Flask request. The portal builds an
`InvoiceDocument` when it issues, then calls `render_ubl` and `render_invoice_pdf`
(with the UBL embedded) and stores both with their SHA-256.
"""
from __future__ import annotations

from .checks import check_ubl, master_data_errors, rule_errors, schema_errors
from .document import (
    AnnexLine,
    DocumentLine,
    InvalidDocument,
    InvoiceDocument,
    Party,
    round_cents,
    vat_amount,
)
from .format import euro, nl_date, nl_percent
from .ubl import UblError, render_ubl



def render_invoice_pdf(doc: InvoiceDocument, *, ubl_xml: bytes | None = None) -> bytes:
    """Render the invoice's PDF (see portal.invoicing.pdf)."""
    # Imported here: WeasyPrint takes a second or two to load, and only making a PDF needs it.
    from .pdf import render_invoice_pdf as render
    return render(doc, ubl_xml=ubl_xml)


__all__ = [
    "AnnexLine", "DocumentLine", "InvalidDocument", "InvoiceDocument", "Party", "UblError",
    "check_ubl", "euro", "master_data_errors", "nl_date", "nl_percent", "render_invoice_pdf", "render_ubl",
    "round_cents", "rule_errors", "schema_errors", "vat_amount",
]
