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
from .pdf import render_invoice_pdf
from .ubl import UblError, render_ubl

__all__ = [
    "AnnexLine", "DocumentLine", "InvalidDocument", "InvoiceDocument", "Party", "UblError",
    "check_ubl", "euro", "master_data_errors", "nl_date", "nl_percent", "render_invoice_pdf", "render_ubl",
    "round_cents", "rule_errors", "schema_errors", "vat_amount",
]
