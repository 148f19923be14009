"""Dutch formatting of money, dates and codes for templates: € 1.234,56 and 31-12-2026."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask

from .clock import AMSTERDAM
from .invoicing import format as documents_format
from .invoicing import labels as documents_labels
from .review.reasons import REJECTION_REASONS

# Segments, milestone types and settlement reasons read the same on screen as on invoices.
LABELS = {
    **documents_labels.SEGMENT_TEXTS, **documents_labels.TRANCHE_TEXTS, **documents_labels.REASON_TEXTS,
    **REJECTION_REASONS,
    "pending": "In behandeling", "approved": "Goedgekeurd", "rejected": "Afgekeurd", "revoked": "Ingetrokken",
    "referred": "Aangemeld", "declined": "Geweigerd", "accepted": "Geaccepteerd", "active": "Lopend",
    "ended": "Beëindigd", "moved": "Verhuisd", "deceased": "Overleden", "medical": "Medisch", "work": "Werk",
    "dropout": "Uitval", "completed": "Afgerond", "other": "Anders",
    "statushouder": "Statushouder", "50plus": "50-plus", "jongere": "Jongere",
    "arbeidsbeperking": "Arbeidsbeperking", "overig": "Overig",
    "participatiewet": "Participatiewet", "anw": "ANW", "ioaw": "IOAW", "nug": "Geen uitkering (nug)",
    "provider": "Re-integratiebedrijf", "klantmanager": "Klantmanager", "reviewer": "Contractmanager",
    "finance": "Financiën", "admin": "Beheerder",
    "none": "Nog geen plan", "submitted": "Ingediend", "returned": "Teruggestuurd",
    "draft": "Concept", "issued": "Gefactureerd", "discarded": "Vervallen",
    "payable": "Betaalbaar", "partial": "Deels betaalbaar", "withheld": "Ingehouden",
    "invoice": "Factuur", "credit_note": "Creditnota", "open": "Open", "upheld": "Gegrond",
    "employment_contract": "Arbeidscontract", "payslip": "Loonstrook", "employer_statement": "Werkgeversverklaring",
    "attendance_list": "Presentielijst",
    "vast": "Vast", "bepaalde_tijd": "Bepaalde tijd", "uitzend": "Uitzendcontract", "oproep": "Oproepcontract",
    "proefplaatsing": "Proefplaatsing", "fully": "Volledig", "partly": "Gedeeltelijk", "not": "Niet",
}


def label(code: str | None) -> str:
    """Return the Dutch label of a stored code."""
    if code is None:
        return ""
    return LABELS.get(code, code)


def euro(amount: Decimal | None) -> str:
    """Format an amount as € 1.234,56 (negative: € -1.234,56); the same as on invoices."""
    return "" if amount is None else documents_format.euro(Decimal(amount))


def nl_date(value: date | datetime | None) -> str:
    """Format a date as 31-12-2026 (a timestamp in Amsterdam time, with hh:mm)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
    return documents_format.nl_date(value)


def percent(value) -> str:
    """A percentage as people write it: 35 %, 18,75 %, 33,3 % (never 35,00 % or 35,0000 %)."""
    if value is None:
        return "—"
    text = f"{Decimal(value):.2f}"
    return text.rstrip("0").rstrip(".").replace(".", ",") + " %"


def part_percent(fraction) -> str:
    """A fraction of one as a percentage: 0,3330 -> 33,3 %, 1 -> 100 %."""
    return "—" if fraction is None else percent(Decimal(fraction) * 100)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(euro=euro, nl_date=nl_date, label=label, percent=percent,
                                 part_percent=part_percent)
