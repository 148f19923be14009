"""Check a UBL document before it is issued: the UBL 2.1 schema and the calculation rules.

`schema_errors` validates against the official OASIS UBL 2.1 XSD (vendored in
schemas/ubl-2.1, see its README). `rule_errors` re-computes what EN 16931 and the
Peppol/NL rules say must add up (BR-CO-10 … BR-CO-16, BR-S-08/09, BR-E-08/09/10, …)
from the XML alone, so it checks the writer as much as the document. All return a
list of messages ("[RULE-ID] ..."), empty when the document passes.

`check_ubl` is what must hold for every issued document: the schema plus every rule
except those in MASTER_DATA_RULES. Those depend on data the portal may not hold yet
(a municipality's KvK number as its Peppol address, a street address, the bureau's
IBAN or VAT id); `master_data_errors` lists them, and they must be empty before a
document is sent over the Peppol network.

This is not the full Schematron (that needs XSLT 2.0); it covers the calculation
rules and the structural rules this portal's documents can break.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "ubl-2.1" / "maindoc"
NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SELF_BILLING_CUSTOMIZATION = (
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0")
SELF_BILLING_INVOICE_CODES = ("389", "527")  # PEPPOL-EN16931-P0100 (self-billing)
SELF_BILLING_CREDIT_NOTE_CODES = ("261",)  # PEPPOL-EN16931-P0101 (self-billing)
NL_PAYMENT_MEANS = ("30", "48", "49", "57", "58", "59")  # NL-R-008
NL_LEGAL_SCHEMES = ("0106", "0190")  # KvK, OIN (NL-R-003, NL-R-005)
AMOUNT_ELEMENTS = (
    "Amount", "BaseAmount", "PriceAmount", "TaxAmount", "TaxableAmount",
    "LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount",
    "AllowanceTotalAmount", "ChargeTotalAmount", "PrepaidAmount",
    "PayableRoundingAmount", "PayableAmount")
CENT = Decimal("0.01")
#: Rules that fail on missing party data rather than on a wrong document.
MASTER_DATA_RULES = frozenset({
    "PEPPOL-EN16931-R010",  # buyer electronic address (EndpointID)
    "PEPPOL-EN16931-R020",  # seller electronic address (EndpointID)
    "NL-R-002", "NL-R-004",  # street, city and postcode
    "NL-R-007",  # payment means (the bureau's IBAN) on an invoice
    "BR-S-02", "BR-E-02",  # the seller's VAT identifier
})


@lru_cache(maxsize=2)
def _schema(root_name: str) -> etree.XMLSchema:
    path = SCHEMA_DIR / f"UBL-{root_name}-2.1.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def schema_errors(xml: bytes) -> list[str]:
    """Validate against UBL-Invoice-2.1.xsd or UBL-CreditNote-2.1.xsd."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [f"XML is not well-formed: {error}"]
    name = etree.QName(root).localname
    if name not in ("Invoice", "CreditNote"):
        return [f"root element {name} is neither Invoice nor CreditNote"]
    schema = _schema(name)
    if schema.validate(root):
        return []
    return [f"XSD line {e.line}: {e.message}" for e in schema.error_log]


def _rule_id(message: str) -> str:
    return message[1:message.index("]")]


def check_ubl(xml: bytes) -> list[str]:
    """Return the schema and rule violations of a UBL document, master data aside."""
    errors = schema_errors(xml)
    if errors and errors[0].startswith("XML is not well-formed"):
        return errors
    return errors + [e for e in rule_errors(xml) if _rule_id(e) not in MASTER_DATA_RULES]


def master_data_errors(xml: bytes) -> list[str]:
    """Return what Peppol/NLCIUS delivery still needs from the parties' master data."""
    return [e for e in rule_errors(xml) if _rule_id(e) in MASTER_DATA_RULES]


def _dec(node) -> Decimal:
    try:
        return Decimal((node.text or "").strip())
    except InvalidOperation:
        return Decimal("NaN")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class _Rules:
    def __init__(self, root):
        self.root = root
        self.credit = etree.QName(root).localname == "CreditNote"
        self.errors: list[str] = []

    def x(self, path: str, node=None) -> list:
        return (self.root if node is None else node).xpath(path, namespaces=NS)

    def one(self, path: str, node=None):
        found = self.x(path, node)
        return found[0] if found else None

    def amount(self, path: str, node=None) -> Decimal:
        found = self.one(path, node)
        return _dec(found) if found is not None else Decimal(0)

    def fail(self, rule: str, message: str) -> None:
        self.errors.append(f"[{rule}] {message}")

    def run(self) -> list[str]:
        self.structure()
        self.decimals()
        lines = self.x("cac:InvoiceLine | cac:CreditNoteLine")
        if not lines:
            self.fail("BR-16", "the document has no lines")
        self.line_rules(lines)
        self.totals(lines)
        self.vat(lines)
        self.netherlands()
        return self.errors

    def structure(self) -> None:
        customization = (self.one("cbc:CustomizationID/text()") or "").strip()
        if not customization.startswith(SELF_BILLING_CUSTOMIZATION):
            self.fail("PEPPOL-EN16931-R004", f"CustomizationID is {customization!r}")
        if self.one("cbc:ProfileID") is None:
            self.fail("PEPPOL-EN16931-R001", "ProfileID (business process) is missing")
        if self.credit:
            code = (self.one("cbc:CreditNoteTypeCode/text()") or "").strip()
            if code not in SELF_BILLING_CREDIT_NOTE_CODES:
                self.fail("PEPPOL-EN16931-P0101", f"CreditNoteTypeCode {code!r} is not 261")
        else:
            code = (self.one("cbc:InvoiceTypeCode/text()") or "").strip()
            if code not in SELF_BILLING_INVOICE_CODES:
                self.fail("PEPPOL-EN16931-P0100", f"InvoiceTypeCode {code!r} is not 389")
        if len(self.x("cbc:Note")) > 1:
            self.fail("PEPPOL-EN16931-R002", "more than one document note")
        if not (self.one("cbc:BuyerReference") is not None or self.one("cac:OrderReference/cbc:ID")
                is not None):
            self.fail("PEPPOL-EN16931-R003", "neither BuyerReference nor order reference")
        for role, rule in (("Supplier", "R020"), ("Customer", "R010")):
            if self.one(f"cac:Accounting{role}Party/cac:Party/cbc:EndpointID") is None:
                self.fail(f"PEPPOL-EN16931-{rule}", f"{role.lower()} has no EndpointID")
            if self.one(f"cac:Accounting{role}Party/cac:Party/cac:PartyLegalEntity"
                        "/cbc:RegistrationName") is None:
                self.fail("BR-06" if role == "Supplier" else "BR-07", f"{role.lower()} has no name")
        if len(self.x("cac:TaxTotal[cac:TaxSubtotal]")) != 1:
            self.fail("PEPPOL-EN16931-R053", "not exactly one TaxTotal with subtotals")
        for empty in self.x("//*[not(*) and not(normalize-space())]"):
            self.fail("PEPPOL-EN16931-R008", f"empty element {etree.QName(empty).localname}")
        currency = (self.one("cbc:DocumentCurrencyCode/text()") or "").strip()
        for name in AMOUNT_ELEMENTS:
            for node in self.x(f"//cbc:{name}"):
                if node.get("currencyID") != currency:
                    self.fail("PEPPOL-EN16931-R051",
                              f"{name} has currencyID {node.get('currencyID')!r}, not {currency!r}")
        for means in self.x("cac:PaymentMeans"):
            code = (self.one("cbc:PaymentMeansCode/text()", means) or "").strip()
            if code in ("30", "58") and self.one("cac:PayeeFinancialAccount/cbc:ID", means) is None:
                self.fail("BR-61", "credit transfer without payment account")
        payable = self.amount("cac:LegalMonetaryTotal/cbc:PayableAmount")
        has_due = (self.one("cbc:DueDate") is not None
                   or self.one("cac:PaymentMeans/cbc:PaymentDueDate") is not None
                   or self.one("cac:PaymentTerms/cbc:Note") is not None)
        if payable > 0 and not has_due:
            self.fail("BR-CO-25", "positive amount due without due date or payment terms")

    def decimals(self) -> None:
        for name in AMOUNT_ELEMENTS:
            if name == "PriceAmount":
                continue  # the item price may have more decimals (BT-146)
            for node in self.x(f"//cbc:{name}"):
                value = _dec(node)
                if not value.is_finite() or value != value.quantize(CENT):
                    self.fail("BR-DEC", f"{name} {node.text!r} has more than two decimals")

    def line_rules(self, lines) -> None:
        quantity_name = "cbc:CreditedQuantity" if self.credit else "cbc:InvoicedQuantity"
        for line in lines:
            line_id = self.one("cbc:ID/text()", line)
            amount = self.amount("cbc:LineExtensionAmount", line)
            price_node = self.one("cac:Price/cbc:PriceAmount", line)
            if price_node is None:
                self.fail("BR-26", f"line {line_id} has no price")
                continue
            price = _dec(price_node)
            if price < 0:
                self.fail("BR-27", f"line {line_id} has a negative price {price}")
            quantity_node = self.one(quantity_name, line)
            quantity = _dec(quantity_node) if quantity_node is not None else Decimal(1)
            base_node = self.one("cac:Price/cbc:BaseQuantity", line)
            base = _dec(base_node) if base_node is not None and _dec(base_node) else Decimal(1)
            if abs(amount - quantity * price / base) > Decimal("0.02"):
                self.fail("PEPPOL-EN16931-R120",
                          f"line {line_id}: {amount} is not {quantity} × {price}")
            if quantity_node is not None and not quantity_node.get("unitCode"):
                self.fail("BR-23", f"line {line_id} quantity has no unit code")
            if self.one("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", line) is None:
                self.fail("BR-CO-04", f"line {line_id} has no VAT category")
            if self.one("cac:Item/cbc:Name", line) is None:
                self.fail("BR-25", f"line {line_id} has no item name")

    def totals(self, lines) -> None:
        line_sum = sum((self.amount("cbc:LineExtensionAmount", line) for line in lines), Decimal(0))
        mt = "cac:LegalMonetaryTotal/"
        line_total = self.amount(mt + "cbc:LineExtensionAmount")
        if line_total != line_sum:
            self.fail("BR-CO-10", f"LineExtensionAmount {line_total} is not the line sum {line_sum}")
        allowances = self.amount(mt + "cbc:AllowanceTotalAmount")
        charges = self.amount(mt + "cbc:ChargeTotalAmount")
        exclusive = self.amount(mt + "cbc:TaxExclusiveAmount")
        if exclusive != line_total - allowances + charges:
            self.fail("BR-CO-13", f"TaxExclusiveAmount {exclusive} is not "
                                  f"{line_total} - {allowances} + {charges}")
        tax_total = self.amount("cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount")
        subtotal_sum = sum((_dec(n) for n in self.x("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount")),
                           Decimal(0))
        if tax_total != subtotal_sum:
            self.fail("BR-CO-14", f"TaxAmount {tax_total} is not the sum of subtotals {subtotal_sum}")
        inclusive = self.amount(mt + "cbc:TaxInclusiveAmount")
        if inclusive != exclusive + tax_total:
            self.fail("BR-CO-15", f"TaxInclusiveAmount {inclusive} is not {exclusive} + {tax_total}")
        prepaid = self.amount(mt + "cbc:PrepaidAmount")
        rounding = self.amount(mt + "cbc:PayableRoundingAmount")
        payable = self.amount(mt + "cbc:PayableAmount")
        if payable != inclusive - prepaid + rounding:
            self.fail("BR-CO-16", f"PayableAmount {payable} is not {inclusive} - {prepaid} + {rounding}")

    def vat(self, lines) -> None:
        seller_vat = self.one("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
                              "[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID")
        by_category: dict[tuple[str, Decimal], Decimal] = {}
        for line in lines:
            category = (self.one("cac:Item/cac:ClassifiedTaxCategory/cbc:ID/text()", line) or "")
            rate = self.amount("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", line)
            line_id = self.one("cbc:ID/text()", line)
            if category == "S" and not rate > 0:
                self.fail("BR-S-05", f"line {line_id}: category S needs a rate above 0")
            if category == "E" and rate != 0:
                self.fail("BR-E-05", f"line {line_id}: category E needs rate 0")
            key = (category, rate)
            by_category[key] = by_category.get(key, Decimal(0)) + self.amount(
                "cbc:LineExtensionAmount", line)
        subtotals = {}
        for node in self.x("cac:TaxTotal/cac:TaxSubtotal"):
            category = self.one("cac:TaxCategory/cbc:ID/text()", node) or ""
            rate = self.amount("cac:TaxCategory/cbc:Percent", node)
            subtotals[(category, rate)] = node
            taxable = self.amount("cbc:TaxableAmount", node)
            tax = self.amount("cbc:TaxAmount", node)
            expected = by_category.get((category, rate), Decimal(0))
            if taxable != expected:
                self.fail(f"BR-{category}-08", f"{category} {rate} %: taxable {taxable} is not the "
                                               f"sum of its lines {expected}")
            if category == "S" and tax != _round(taxable * rate / 100):
                self.fail("BR-S-09", f"S {rate} %: tax {tax} is not round({taxable} × {rate} %)")
            if category in ("E", "Z", "O") and tax != 0:
                self.fail(f"BR-{category}-09", f"{category}: tax {tax} is not 0")
            if category == "E" and self.one("cac:TaxCategory/cbc:TaxExemptionReason", node) is None \
                    and self.one("cac:TaxCategory/cbc:TaxExemptionReasonCode", node) is None:
                self.fail("BR-E-10", "category E without exemption reason")
        for key in by_category:
            if key not in subtotals:
                self.fail("BR-CO-18", f"no VAT breakdown for category {key[0]} {key[1]} %")
        categories = {key[0] for key in by_category}
        for category in ("S", "E"):
            if category in categories and seller_vat is None:
                self.fail(f"BR-{category}-02", f"category {category} without seller VAT id")

    def netherlands(self) -> None:
        """NLCIUS rules (Peppol NL-R-00x) for a supplier in the Netherlands."""
        supplier = self.one("cac:AccountingSupplierParty/cac:Party")
        customer = self.one("cac:AccountingCustomerParty/cac:Party")
        if supplier is None or customer is None:
            return
        if (self.one("cac:PostalAddress/cac:Country/cbc:IdentificationCode/text()", supplier)
                or "") != "NL":
            return
        customer_nl = (self.one("cac:PostalAddress/cac:Country/cbc:IdentificationCode/text()",
                                customer) or "") == "NL"
        if self.credit and self.one("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") is None:
            self.fail("NL-R-001", "a credit note must refer to the invoice it corrects")
        for party, rule, applies in ((supplier, "NL-R-002", True), (customer, "NL-R-004", customer_nl)):
            if applies and any(self.one(f"cac:PostalAddress/cbc:{name}", party) is None
                               for name in ("StreetName", "CityName", "PostalZone")):
                self.fail(rule, "address needs street, city and postcode")
        for party, rule, applies in ((supplier, "NL-R-003", True), (customer, "NL-R-005", customer_nl)):
            company = self.one("cac:PartyLegalEntity/cbc:CompanyID", party)
            if applies and company is not None and company.get("schemeID") not in NL_LEGAL_SCHEMES:
                self.fail(rule, "legal entity id must be KvK (0106) or OIN (0190)")
        payable = self.amount("cac:LegalMonetaryTotal/cbc:PayableAmount")
        if not self.credit and payable > 0 and not self.x("cac:PaymentMeans"):
            self.fail("NL-R-007", "an invoice with an amount due needs payment means")
        for code in self.x("cac:PaymentMeans/cbc:PaymentMeansCode/text()"):
            if code.strip() not in NL_PAYMENT_MEANS:
                self.fail("NL-R-008", f"payment means code {code} not allowed")


def rule_errors(xml: bytes) -> list[str]:
    """Re-check the EN 16931, Peppol self-billing and NL rules that a document can break."""
    return _Rules(etree.fromstring(xml)).run()
