"""Small factories for invoice documents: realistic defaults, override what a test needs."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.invoicing import AnnexLine, DocumentLine, InvoiceDocument, Party, vat_amount

D = Decimal


def create_bureau(**overrides) -> Party:
    values = dict(
        name="Werkkracht Re-integratie B.V.", street="Laat 101", postcode="1811 EA",
        city="Alkmaar", kvk="12345678", vat_id="NL123456789B01",
        iban="NL91ABNA0417164300", email="facturen@werkkracht.example")
    values.update(overrides)
    return Party(**values)


def create_municipality(**overrides) -> Party:
    values = dict(
        name="Gemeente Alkmaar", street="Mallegatsplein 10", postcode="1815 AG",
        city="Alkmaar", kvk="34371452", vat_id="NL001234567B01", cbs_code="0361",
        email="crediteuren@alkmaar.example")
    values.update(overrides)
    return Party(**values)


def create_consortium(**overrides) -> Party:
    values = dict(
        name="Regio Noord-Kennemerland", street="Mallegatsplein 10", postcode="1815 AG",
        city="Alkmaar", kvk="34371452", email="financien@nk.example")
    values.update(overrides)
    return Party(**values)


def split_funding(amount: Decimal, sources=("ESF", "WERKDEEL")) -> dict[str, Decimal]:
    """Split an amount evenly in cents, the odd cent to the first source (sign kept)."""
    sign = -1 if amount < 0 else 1
    cents = int(abs(amount) * 100)
    share, rest = divmod(cents, len(sources))
    parts = {}
    for index, source in enumerate(sources):
        part = share + (1 if index < rest else 0)
        parts[source] = (sign * D(part) / 100).quantize(D("0.01"))
    return parts


def create_line(number: int = 1, amount: Decimal = D("1250.00"), **overrides) -> DocumentLine:
    values = dict(
        number=number,
        description="Plaatsing op werk",
        milestone_ref=f"M-{1000 + number}",
        trajectory_ref=f"T-{200 + number}",
        tranche_code="placement",
        client_label=f"Cliënt {number:03d}",
        milestone_date=date(2026, 11, 2),
        reason=None,
        amount=amount,
    )
    values.update(overrides)
    values.setdefault("funding", split_funding(values["amount"]))
    return DocumentLine(**values)


def create_annex_line(**overrides) -> AnnexLine:
    values = dict(
        milestone_ref="M-9001", trajectory_ref="T-901", tranche_code="sustained_placement",
        status="withheld", reason="NORM_NOT_MET", reason_text="Prestatienorm niet gehaald",
        amount=D("800.00"), withheld=D("800.00"), pending=D("0.00"))
    values.update(overrides)
    return AnnexLine(**values)


def create_document(lines=None, *, kind: str = "invoice", vat_rate: Decimal = D("21"),
                    **overrides) -> InvoiceDocument:
    """Build a document whose totals follow from its lines (override them to break it)."""
    if lines is None:
        lines = [create_line(1, D("1250.00")), create_line(2, D("625.50"), tranche_code="intake",
                                                            description="Intakegesprek")]
    lines = tuple(lines)
    subtotal = sum((line.amount for line in lines), D("0.00"))
    vat = vat_amount(subtotal, vat_rate)
    funding_totals: dict[str, Decimal] = {}
    for line in lines:
        for source, part in line.funding.items():
            funding_totals[source] = funding_totals.get(source, D("0.00")) + part
    values = dict(
        kind=kind,
        series="F2026",
        number="2026-000042",
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 31),
        supplier=create_bureau(),
        customer=create_municipality(),
        issuer=create_consortium(),
        contract_code="NK-2026-DB-01",
        contract_segment="directe_bemiddeling",
        period_as_of=date(2026, 11, 30),
        lines=lines,
        annex=(create_annex_line(),
               create_annex_line(milestone_ref="M-9002", trajectory_ref="T-902", status="pending",
                                 reason="AWAITING_REVIEW", reason_text="Wacht op beoordeling",
                                 withheld=D("0.00"), pending=D("800.00"))),
        vat_rate=vat_rate,
        subtotal=subtotal,
        vat=vat,
        total=subtotal + vat,
        corrects=("2026-000017",) if kind == "credit_note" else (),
        funding_totals=funding_totals,
        notes=None,
    )
    values.update(overrides)
    return InvoiceDocument(**values)


def create_credit_note(**overrides) -> InvoiceDocument:
    lines = overrides.pop("lines", None) or [
        create_line(1, D("-1250.00"), reason="REVOKED", description="Plaatsing op werk"),
        create_line(2, D("300.00"), tranche_code="intake", description="Intakegesprek"),
    ]
    return create_document(lines, kind="credit_note", number="2026-000043", **overrides)


def create_large_document(count: int, **overrides) -> InvoiceDocument:
    """A document with `count` lines, a few of them negative corrections."""
    lines = []
    for number in range(1, count + 1):
        if number % 25 == 0:
            lines.append(create_line(number, D("-312.45"), reason="CORRECTION",
                                     description="Correctie plaatsing (norm niet gehaald)"))
        else:
            lines.append(create_line(number, D(1000 + (number * 37) % 900) + D("0.25")))
    return create_document(lines, **overrides)
