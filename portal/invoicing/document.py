"""The frozen copy of an issued invoice or credit note: plain data that must add up.

An issued document never changes (style.md, habit 3). The portal copies parties,
lines and totals into an `InvoiceDocument` when it issues, and the PDF and the UBL
are rendered only from that copy. Building one checks that it adds up: a document
whose totals do not follow from its lines raises `InvalidDocument` and cannot exist.

Sign convention (one convention, everywhere in this model and in the PDF)
-------------------------------------------------------------------------
Every amount is signed from the point of view of the bureau (the supplier): positive
is money owed to the bureau, negative is money the bureau owes back. A settlement
run nets its amounts per municipality (settlement.md, section 9):

* a positive net is an **invoice**: ``subtotal > 0``; it may hold negative
  correction lines (reason ``CORRECTION`` / ``REVOKED``);
* a negative net is a **credit note**: ``subtotal < 0``; it must name the invoices
  it corrects in ``corrects``; it may hold positive (newly payable) lines that were
  netted against larger corrections.

So a credit note of € 500 has ``subtotal == Decimal("-500.00")`` here and shows
"€ -500,00" in the PDF. Only the UBL differs: a UBL CreditNote states what is
credited as positive amounts, so `portal.invoicing.ubl` multiplies every amount of
a credit note by -1 on the way out (a positive line there becomes a line with
quantity -1). VAT is rounded half away from zero, so round(-x) == -round(x) and the
flip never changes a cent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Mapping

from settlement.money import percentage_of

CENT = Decimal("0.01")

DocumentKind = Literal["invoice", "credit_note"]
KINDS = ("invoice", "credit_note")
LINE_REASONS = (None, "CORRECTION", "REVOKED")
ANNEX_STATUSES = ("withheld", "pending", "partial")


class InvalidDocument(ValueError):
    """The document does not add up or is incomplete; `problems` lists every reason."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


def round_cents(value: Decimal) -> Decimal:
    """Round an amount to cents, halves away from zero (ROUND_HALF_UP)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_amount(subtotal: Decimal, vat_rate: Decimal) -> Decimal:
    """Return the VAT on a subtotal: round(subtotal × rate / 100) to cents, halves away from zero."""
    return percentage_of(subtotal, vat_rate)  # the engine's one rounding (settlement.md sections 8 and 9)


def _is_cents(value: object) -> bool:
    return (
        isinstance(value, Decimal)
        and value.is_finite()
        and value == value.quantize(CENT)
    )


class FrozenMap(dict):
    """A dict that cannot be changed after it is made (the funding split of a frozen copy).

    A dict subclass rather than a MappingProxyType so that `dataclasses.asdict`, copy
    and pickle keep working on the document.
    """

    def _read_only(self, *args, **kwargs):
        raise TypeError("an issued document's mapping cannot be changed")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return (FrozenMap, (dict(self),))


def _frozen_mapping(value: Mapping[str, Decimal] | None) -> Mapping[str, Decimal]:
    return FrozenMap(value or {})


@dataclass(frozen=True)
class Party:
    """A party on the document: the bureau, the municipality or the consortium."""

    name: str
    street: str
    postcode: str
    city: str
    country_code: str = "NL"
    kvk: str | None = None
    vat_id: str | None = None
    iban: str | None = None
    cbs_code: str | None = None
    email: str | None = None

    def problems(self, role: str) -> list[str]:
        found = []
        if not (self.name or "").strip():
            found.append(f"{role}: name is empty")
        code = self.country_code or ""
        if len(code) != 2 or not code.isalpha() or not code.isupper():
            found.append(f"{role}: country_code {code!r} is not an ISO 3166 alpha-2 code")
        return found


@dataclass(frozen=True)
class DocumentLine:
    """One line with an amount: newly payable, a correction or a revoked approval.

    `client_label` is the client's pseudonymous number (never a BSN, never the trajectory's number);
    `amount` may be negative, and then `corrects` names the document that invoiced it before;
    `funding` splits the amount over funding sources and adds up to it (or is empty).
    """

    number: int
    description: str
    milestone_ref: str
    trajectory_ref: str
    tranche_code: str
    client_label: str
    milestone_date: date | None
    reason: str | None
    amount: Decimal
    funding: Mapping[str, Decimal] = field(default_factory=dict)
    corrects: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "funding", _frozen_mapping(self.funding))

    def problems(self) -> list[str]:
        where = f"line {self.number}"
        found = []
        if not isinstance(self.number, int) or self.number < 1:
            found.append(f"{where}: number must be a positive integer")
        if not (self.description or "").strip():
            found.append(f"{where}: description is empty")
        if self.reason not in LINE_REASONS:
            found.append(f"{where}: reason {self.reason!r} is not one of {LINE_REASONS}")
        if not _is_cents(self.amount):
            found.append(f"{where}: amount {self.amount!r} is not a Decimal in cents")
        elif self.amount == 0:
            found.append(f"{where}: amount is zero (lines without a difference belong in the annex)")
        if self.milestone_date is not None and not isinstance(self.milestone_date, date):
            found.append(f"{where}: milestone_date is not a date")
        if self.funding:
            bad = [source for source, part in self.funding.items() if not _is_cents(part)]
            if bad:
                found.append(f"{where}: funding parts {bad} are not Decimals in cents")
            elif _is_cents(self.amount) and sum(self.funding.values(), Decimal(0)) != self.amount:
                found.append(f"{where}: funding {dict(self.funding)} does not add up to {self.amount}")
        return found


@dataclass(frozen=True)
class AnnexLine:
    """A line of the specification annex: withheld, pending or partly paid, and why.

    `reason` is the settlement reason code, `reason_text` its Dutch explanation;
    `amount` is the tranche amount, `withheld` and `pending` the parts not paid.
    """

    milestone_ref: str
    trajectory_ref: str
    tranche_code: str
    status: str
    reason: str
    reason_text: str
    amount: Decimal
    withheld: Decimal
    pending: Decimal

    def problems(self, index: int) -> list[str]:
        where = f"annex line {index} ({self.milestone_ref})"
        found = []
        if self.status not in ANNEX_STATUSES:
            found.append(f"{where}: status {self.status!r} is not one of {ANNEX_STATUSES}")
        amounts = {"amount": self.amount, "withheld": self.withheld, "pending": self.pending}
        bad = [name for name, value in amounts.items() if not _is_cents(value)]
        if bad:
            found.append(f"{where}: {', '.join(bad)} not Decimal in cents")
            return found
        if self.withheld < 0 or self.pending < 0:
            found.append(f"{where}: withheld and pending cannot be negative")
        if self.withheld + self.pending > self.amount:
            found.append(f"{where}: withheld + pending exceeds the amount")
        return found


@dataclass(frozen=True)
class InvoiceDocument:
    """An issued invoice or credit note, self-billed on behalf of the bureau.

    supplier = the bureau (seller), customer = the municipality (buyer), issuer = the
    consortium that draws the document up. Amounts follow the sign convention of
    this module's docstring; `vat_rate` is a percentage (21 means 21 %).
    """

    kind: DocumentKind
    series: str
    number: str
    issue_date: date
    due_date: date
    supplier: Party
    customer: Party
    issuer: Party
    contract_code: str
    contract_segment: str
    period_as_of: date
    lines: tuple[DocumentLine, ...]
    annex: tuple[AnnexLine, ...]
    vat_rate: Decimal
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    currency: str = "EUR"
    corrects: tuple[str, ...] = ()
    funding_totals: Mapping[str, Decimal] = field(default_factory=dict)
    notes: str | None = None
    #: Why VAT does not apply when `vat_rate` is 0 (UBL BT-120); a default is used if None.
    vat_exemption_reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "annex", tuple(self.annex))
        object.__setattr__(self, "corrects", tuple(self.corrects))
        object.__setattr__(self, "funding_totals", _frozen_mapping(self.funding_totals))
        problems = self.problems()
        if problems:
            raise InvalidDocument(problems)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"

    def problems(self) -> list[str]:
        """Return every reason why this document is not valid (empty when it is)."""
        found: list[str] = []
        if self.kind not in KINDS:
            found.append(f"kind {self.kind!r} is not one of {KINDS}")
        if not (self.series or "").strip() or not (self.number or "").strip():
            found.append("series and number are required")
        if not isinstance(self.issue_date, date) or not isinstance(self.due_date, date):
            found.append("issue_date and due_date must be dates")
        elif self.due_date < self.issue_date:
            found.append("due_date is before issue_date")
        if not isinstance(self.period_as_of, date):
            found.append("period_as_of must be a date")
        if self.currency != "EUR":
            found.append(f"currency {self.currency!r} is not supported (EUR only)")
        for role, party in (("supplier", self.supplier), ("customer", self.customer),
                            ("issuer", self.issuer)):
            if not isinstance(party, Party):
                found.append(f"{role} is not a Party")
            else:
                found.extend(party.problems(role))
        if not (self.contract_code or "").strip():
            found.append("contract_code is required")

        if not self.lines:
            found.append("a document needs at least one line")
        numbers = [line.number for line in self.lines]
        if len(set(numbers)) != len(numbers):
            found.append("line numbers are not unique")
        for line in self.lines:
            found.extend(line.problems())
        for index, annex_line in enumerate(self.annex, start=1):
            found.extend(annex_line.problems(index))
        found.extend(self._total_problems())
        found.extend(self._funding_problems())

        if self.kind == "credit_note" and not self.corrects:
            found.append("a credit note must name the invoices it corrects")
        return found

    def _total_problems(self) -> list[str]:
        totals = {"subtotal": self.subtotal, "vat": self.vat, "total": self.total}
        bad = [name for name, value in totals.items() if not _is_cents(value)]
        if bad:
            return [f"{', '.join(bad)} not Decimal in cents"]
        if not isinstance(self.vat_rate, Decimal) or not self.vat_rate.is_finite() \
                or not 0 <= self.vat_rate <= 100:
            return [f"vat_rate {self.vat_rate!r} is not a Decimal percentage between 0 and 100"]
        if any(not _is_cents(line.amount) for line in self.lines):
            return []  # already reported per line; the sums would only repeat it
        found = []
        line_sum = sum((line.amount for line in self.lines), Decimal("0.00"))
        if self.subtotal != line_sum:
            found.append(f"subtotal {self.subtotal} is not the sum of the lines {line_sum}")
        expected_vat = vat_amount(self.subtotal, self.vat_rate)
        if self.vat != expected_vat:
            found.append(f"vat {self.vat} is not round({self.subtotal} × {self.vat_rate} %) = {expected_vat}")
        if self.total != self.subtotal + self.vat:
            found.append(f"total {self.total} is not subtotal + vat = {self.subtotal + self.vat}")
        if self.kind == "invoice" and self.subtotal <= 0:
            found.append("an invoice must have a positive subtotal (a negative net is a credit note)")
        if self.kind == "credit_note" and self.subtotal >= 0:
            found.append("a credit note must have a negative subtotal (see the sign convention)")
        return found

    def _funding_problems(self) -> list[str]:
        if not self.funding_totals and not any(line.funding for line in self.lines):
            return []
        if any(not _is_cents(part) for part in self.funding_totals.values()):
            return ["funding_totals are not Decimals in cents"]
        sums: dict[str, Decimal] = {}
        for line in self.lines:
            for source, part in line.funding.items():
                if _is_cents(part):
                    sums[source] = sums.get(source, Decimal("0.00")) + part
        found = []
        for source in sorted(set(sums) | set(self.funding_totals)):
            stated = self.funding_totals.get(source, Decimal("0.00"))
            computed = sums.get(source, Decimal("0.00"))
            if stated != computed:
                found.append(f"funding total {source} {stated} is not the sum of the lines {computed}")
        return found
