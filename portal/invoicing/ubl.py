"""UBL 2.1 for a self-billed invoice or credit note (Peppol BIS Self-Billing 3.0, NLCIUS).

Choices, each checked against the Peppol and NL rules:

* Profile: Peppol BIS Self-Billing 3.0. CustomizationID
  ``urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0``,
  ProfileID ``urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0``.
* Invoice: ``InvoiceTypeCode`` 389 (self-billed invoice). Credit note: a UBL
  ``CreditNote`` with ``CreditNoteTypeCode`` 261 (self-billed credit note): in the
  self-billing profile PEPPOL-EN16931-P0101 allows 261 only, so 381 would be rejected.
* Signs: a UBL CreditNote states what is credited as positive amounts, so every
  amount of a credit note is multiplied by -1 here (see the sign convention in
  `portal.invoicing.document`). A negative line (a correction inside an invoice, or
  a newly payable line inside a credit note) gets quantity -1 and a positive price:
  BR-27 forbids a negative item price and PEPPOL-EN16931-R120 wants
  quantity × price = line amount.
* VAT: rate > 0 is category S with that rate. Rate 0 is category E (exempt) with an
  exemption reason (BR-E-10): re-integration services to a municipality are within
  the scope of VAT, so O (not subject, which also forbids the parties' VAT ids, BR-O-02)
  does not fit, and Z (zero rate) is for goods and exports, not for these services.
* Parties: the bureau is AccountingSupplierParty (seller), the municipality is
  AccountingCustomerParty (buyer). KvK is PartyLegalEntity/CompanyID with schemeID
  0106 (NL-R-003/005) and the electronic address (EndpointID 0106, or 9944 with the
  NL VAT id when there is no KvK; PEPPOL-EN16931-R010/R020). The municipality's CBS
  code is its PartyIdentification (BT-46, no scheme). The consortium that draws the
  document up has no UBL role of its own: it is named in the one document note.
* Payment: SEPA credit transfer (code 58) to the bureau's IBAN for an invoice; for a
  credit note to the municipality's IBAN when known; payment terms always say by when.

Missing master data (no KvK or VAT id to address a party, no IBAN, an empty address)
does not stop the writer: it leaves the element out, so the document stays valid
against the UBL schema and the EN 16931 calculation rules, and
`checks.master_data_errors` names what Peppol/NLCIUS delivery still lacks. With
``strict=True`` `render_ubl` refuses such a document instead.
"""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .checks import master_data_errors
from .document import CENT, InvoiceDocument, Party
from .format import nl_date
from .labels import DEFAULT_VAT_EXEMPTION, reason_text, segment_text, tranche_text

CUSTOMIZATION_ID = (
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0"
)
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0"
INVOICE_TYPE_CODE = "389"
CREDIT_NOTE_TYPE_CODE = "261"
SEPA_CREDIT_TRANSFER = "58"
KVK_SCHEME = "0106"
NL_VAT_SCHEME = "9944"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


class UblError(ValueError):
    """The document lacks master data a Peppol/NLCIUS document must carry."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


def render_ubl(doc: InvoiceDocument, *, strict: bool = False) -> bytes:
    """Return the UBL 2.1 Invoice or CreditNote of an issued document, UTF-8 encoded.

    With `strict`, raise `UblError` when master data needed for Peppol delivery is missing.
    """
    xml = _UblWriter(doc).build()
    if strict:
        problems = master_data_errors(xml)
        if problems:
            raise UblError(problems)
    return xml


def _amount(value: Decimal) -> str:
    cents = value.quantize(CENT)
    return format(cents, "f") if cents else "0.00"  # never "-0.00"


def _percent(rate: Decimal) -> str:
    return format(rate.normalize(), "f") if rate else "0"


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


class _UblWriter:
    def __init__(self, doc: InvoiceDocument):
        self.doc = doc
        self.credit = doc.is_credit_note
        # UBL CreditNote amounts are what is credited: the opposite of our sign.
        self.sign = Decimal(-1) if self.credit else Decimal(1)
        self.currency = doc.currency

    # -- element helpers ---------------------------------------------------------
    @staticmethod
    def _cbc(parent, tag: str, text: str, **attrib) -> etree._Element:
        element = etree.SubElement(parent, f"{{{NS_CBC}}}{tag}", attrib)
        element.text = text
        return element

    @staticmethod
    def _cac(parent, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{NS_CAC}}}{tag}")

    def _money(self, parent, tag: str, value: Decimal) -> None:
        self._cbc(parent, tag, _amount(value), currencyID=self.currency)

    # -- document ------------------------------------------------------------------
    def build(self) -> bytes:
        doc = self.doc
        root_ns = NS_CREDIT_NOTE if self.credit else NS_INVOICE
        root_name = "CreditNote" if self.credit else "Invoice"
        root = etree.Element(
            f"{{{root_ns}}}{root_name}", nsmap={None: root_ns, "cac": NS_CAC, "cbc": NS_CBC})
        cbc = self._cbc
        cbc(root, "CustomizationID", CUSTOMIZATION_ID)
        cbc(root, "ProfileID", PROFILE_ID)
        cbc(root, "ID", doc.number)
        cbc(root, "IssueDate", doc.issue_date.isoformat())
        if self.credit:
            cbc(root, "CreditNoteTypeCode", CREDIT_NOTE_TYPE_CODE)
        else:
            cbc(root, "DueDate", doc.due_date.isoformat())
            cbc(root, "InvoiceTypeCode", INVOICE_TYPE_CODE)
        cbc(root, "Note", self._note())
        cbc(root, "DocumentCurrencyCode", self.currency)
        cbc(root, "BuyerReference", doc.contract_code)
        period = self._cac(root, "InvoicePeriod")
        cbc(period, "EndDate", doc.period_as_of.isoformat())
        for number in doc.corrects:
            reference = self._cac(self._cac(root, "BillingReference"), "InvoiceDocumentReference")
            cbc(reference, "ID", number)
        cbc(self._cac(root, "ContractDocumentReference"), "ID", doc.contract_code)
        self._party(self._cac(root, "AccountingSupplierParty"), doc.supplier, "supplier")
        self._party(self._cac(root, "AccountingCustomerParty"), doc.customer, "customer")
        self._payment(root)
        self._tax_total(root)
        self._monetary_total(root)
        for line in doc.lines:
            self._line(root, line)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _note(self) -> str:
        doc = self.doc
        parts = [
            "Factuur uitgereikt door afnemer (zelffacturering).",
            f"Opgesteld door {doc.issuer.name} namens {doc.supplier.name}",
            f"Contract {doc.contract_code} ({segment_text(doc.contract_segment)}), "
            f"peildatum {nl_date(doc.period_as_of)}",
        ]
        if doc.notes and doc.notes.strip():
            parts.append(doc.notes.strip())
        # Peppol allows one document note (PEPPOL-EN16931-R002): one paragraph of sentences.
        return " ".join(part if part.endswith(".") else f"{part}." for part in parts)

    # -- parties -------------------------------------------------------------------
    def _party(self, parent, party: Party, role: str) -> None:
        cbc, cac = self._cbc, self._cac
        node = cac(parent, "Party")
        address = self._endpoint(party)
        if address:
            cbc(node, "EndpointID", address[1], schemeID=address[0])
        if role == "customer" and party.cbs_code:
            cbc(cac(node, "PartyIdentification"), "ID", party.cbs_code)
        cbc(cac(node, "PartyName"), "Name", party.name)
        address = cac(node, "PostalAddress")
        if party.street:
            cbc(address, "StreetName", party.street)
        if party.city:
            cbc(address, "CityName", party.city)
        if party.postcode:
            cbc(address, "PostalZone", party.postcode)
        cbc(cac(address, "Country"), "IdentificationCode", party.country_code)
        if party.vat_id:
            tax_scheme = cac(node, "PartyTaxScheme")
            cbc(tax_scheme, "CompanyID", _compact(party.vat_id))
            cbc(cac(tax_scheme, "TaxScheme"), "ID", "VAT")
        legal = cac(node, "PartyLegalEntity")
        cbc(legal, "RegistrationName", party.name)
        if party.kvk:
            cbc(legal, "CompanyID", _compact(party.kvk), schemeID=KVK_SCHEME)
        if party.email:
            cbc(cac(node, "Contact"), "ElectronicMail", party.email)

    @staticmethod
    def _endpoint(party: Party) -> tuple[str, str] | None:
        """The party's Peppol address: its KvK number, else its NL VAT id."""
        if party.kvk:
            return KVK_SCHEME, _compact(party.kvk)
        if party.vat_id and _compact(party.vat_id).startswith("NL"):
            return NL_VAT_SCHEME, _compact(party.vat_id)
        return None

    # -- payment, tax and totals ------------------------------------------------------
    def _payment(self, root) -> None:
        doc, cbc, cac = self.doc, self._cbc, self._cac
        payee = doc.customer if self.credit else doc.supplier
        if payee.iban:
            means = cac(root, "PaymentMeans")
            cbc(means, "PaymentMeansCode", SEPA_CREDIT_TRANSFER, name="SEPA credit transfer")
            if self.credit:  # a CreditNote has no DueDate of its own (BT-9 lives here)
                cbc(means, "PaymentDueDate", doc.due_date.isoformat())
            cbc(means, "PaymentID", doc.number)
            account = cac(means, "PayeeFinancialAccount")
            cbc(account, "ID", _compact(payee.iban))
            cbc(account, "Name", payee.name)
        # BR-CO-25: a positive amount due needs a due date or payment terms.
        if self.credit:
            terms = f"Te verrekenen of terug te betalen uiterlijk {nl_date(doc.due_date)}."
        else:
            account_text = f" op {_compact(payee.iban)}" if payee.iban else ""
            terms = (f"Betaling uiterlijk {nl_date(doc.due_date)}{account_text} "
                     f"onder vermelding van {doc.number}.")
        cbc(cac(root, "PaymentTerms"), "Note", terms)

    def _tax_category(self, parent, name: str, with_reason: bool) -> None:
        cbc = self._cbc
        category = self._cac(parent, name)
        exempt = not self.doc.vat_rate
        cbc(category, "ID", "E" if exempt else "S")
        cbc(category, "Percent", _percent(self.doc.vat_rate))
        if exempt and with_reason:
            cbc(category, "TaxExemptionReason",
                self.doc.vat_exemption_reason or DEFAULT_VAT_EXEMPTION)
        cbc(self._cac(category, "TaxScheme"), "ID", "VAT")

    def _tax_total(self, root) -> None:
        doc = self.doc
        total = self._cac(root, "TaxTotal")
        self._money(total, "TaxAmount", self.sign * doc.vat)
        subtotal = self._cac(total, "TaxSubtotal")
        self._money(subtotal, "TaxableAmount", self.sign * doc.subtotal)
        self._money(subtotal, "TaxAmount", self.sign * doc.vat)
        self._tax_category(subtotal, "TaxCategory", with_reason=True)

    def _monetary_total(self, root) -> None:
        doc = self.doc
        totals = self._cac(root, "LegalMonetaryTotal")
        self._money(totals, "LineExtensionAmount", self.sign * doc.subtotal)
        self._money(totals, "TaxExclusiveAmount", self.sign * doc.subtotal)
        self._money(totals, "TaxInclusiveAmount", self.sign * doc.total)
        self._money(totals, "PayableAmount", self.sign * doc.total)

    # -- lines --------------------------------------------------------------------------
    def _line(self, root, line) -> None:
        cbc, cac = self._cbc, self._cac
        amount = self.sign * line.amount
        node = cac(root, "CreditNoteLine" if self.credit else "InvoiceLine")
        cbc(node, "ID", str(line.number))
        if line.reason:
            cbc(node, "Note", reason_text(line.reason))
        quantity = "1" if amount > 0 else "-1"
        cbc(node, "CreditedQuantity" if self.credit else "InvoicedQuantity", quantity,
            unitCode="C62")
        self._money(node, "LineExtensionAmount", amount)
        item = cac(node, "Item")
        cbc(item, "Description", self._line_description(line))
        cbc(item, "Name", line.description)
        cbc(cac(item, "SellersItemIdentification"), "ID", line.tranche_code)
        self._tax_category(item, "ClassifiedTaxCategory", with_reason=False)
        for source, part in line.funding.items():
            prop = cac(item, "AdditionalItemProperty")
            cbc(prop, "Name", f"Financiering {source}")
            cbc(prop, "Value", _amount(self.sign * part))
        self._money(cac(node, "Price"), "PriceAmount", abs(line.amount))

    @staticmethod
    def _line_description(line) -> str:
        parts = [
            f"Traject {line.trajectory_ref}",
            f"mijlpaal {line.milestone_ref}",
            f"tranche {tranche_text(line.tranche_code)}",
            f"cliënt {line.client_label}",
        ]
        if line.milestone_date:
            parts.append(f"datum {nl_date(line.milestone_date)}")
        if line.corrects:
            parts.append(f"correctie op {line.corrects}")
        return ", ".join(parts)
