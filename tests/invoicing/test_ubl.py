from decimal import Decimal as D

import pytest
from lxml import etree

from portal.invoicing import UblError, check_ubl, master_data_errors, render_ubl, rule_errors, \
    schema_errors
from portal.invoicing.checks import SCHEMA_DIR

from .factories import create_bureau, create_credit_note, create_document, create_line, \
    create_municipality

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def parse(xml: bytes):
    return etree.fromstring(xml)


def text(root, path: str) -> str:
    return root.xpath(path, namespaces=NS)[0].text


def texts(root, path: str) -> list[str]:
    return [node.text for node in root.xpath(path, namespaces=NS)]


def test_the_vendored_xsd_is_the_official_oasis_ubl_2_1():
    head = (SCHEMA_DIR / "UBL-Invoice-2.1.xsd").read_text()[:400]
    assert "OASIS Universal Business Language (UBL) 2.1 OS" in head
    assert (SCHEMA_DIR.parent / "common" / "UBL-CommonAggregateComponents-2.1.xsd").exists()


DOCUMENTS = {
    "invoice": lambda: create_document(),
    "invoice with corrections": lambda: create_document(
        [create_line(1, D("1000.00")), create_line(2, D("-312.45"), reason="CORRECTION"),
         create_line(3, D("-100.00"), reason="REVOKED")], corrects=("2026-000017",)),
    "invoice exempt from VAT": lambda: create_document(vat_rate=D("0")),
    "invoice 9 %": lambda: create_document(vat_rate=D("9")),
    "credit note": lambda: create_credit_note(),
    "credit note without customer IBAN": lambda: create_credit_note(
        customer=create_municipality(iban=None)),
    "credit note with customer IBAN": lambda: create_credit_note(
        customer=create_municipality(iban="NL02RABO0123456789")),
    "invoice without funding": lambda: create_document(
        [create_line(1, D("99.99"), funding={})], funding_totals={}),
    "user text with markup": lambda: create_document(
        notes='<b>vet</b> & "quotes" ]]> <img src="file:///etc/passwd">',
        supplier=create_bureau(name="Bureau <script>alert(1)</script> & Co")),
}


@pytest.mark.parametrize("make", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_ubl_is_valid_against_the_xsd_and_the_rules(make):
    xml = render_ubl(make())
    assert schema_errors(xml) == []
    assert rule_errors(xml) == []


def test_the_xsd_validation_is_real():
    root = parse(render_ubl(create_document()))
    # Move IssueDate after DueDate: same content, wrong element order.
    issue = root.find("cbc:IssueDate", NS)
    root.remove(issue)
    root.find("cbc:DueDate", NS).addnext(issue)
    errors = schema_errors(etree.tostring(root))
    assert errors and "IssueDate" in errors[0]
    # An element UBL does not know.
    root = parse(render_ubl(create_document()))
    etree.SubElement(root, f"{{{NS['cbc']}}}Colour").text = "blue"
    assert schema_errors(etree.tostring(root))


def test_invoice_header_is_peppol_self_billing():
    root = parse(render_ubl(create_document()))
    assert etree.QName(root).localname == "Invoice"
    assert text(root, "cbc:CustomizationID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0")
    assert text(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0"
    assert text(root, "cbc:InvoiceTypeCode") == "389"
    assert text(root, "cbc:ID") == "2026-000042"
    assert text(root, "cbc:IssueDate") == "2026-12-01"
    assert text(root, "cbc:DueDate") == "2026-12-31"
    assert text(root, "cbc:DocumentCurrencyCode") == "EUR"
    assert text(root, "cbc:BuyerReference") == "NK-2026-DB-01"
    assert len(root.xpath("cbc:Note", namespaces=NS)) == 1
    assert "Opgesteld door Regio Noord-Kennemerland namens Werkkracht" in text(root, "cbc:Note")


def test_parties_carry_kvk_vat_id_cbs_code_and_iban():
    root = parse(render_ubl(create_document()))
    supplier = "cac:AccountingSupplierParty/cac:Party/"
    assert root.xpath(supplier + "cbc:EndpointID/@schemeID", namespaces=NS) == ["0106"]
    assert text(root, supplier + "cac:PartyLegalEntity/cbc:CompanyID") == "12345678"
    assert root.xpath(supplier + "cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
                      namespaces=NS) == ["0106"]
    assert text(root, supplier + "cac:PartyTaxScheme/cbc:CompanyID") == "NL123456789B01"
    customer = "cac:AccountingCustomerParty/cac:Party/"
    assert text(root, customer + "cac:PartyIdentification/cbc:ID") == "0361"
    assert text(root, customer + "cac:PartyLegalEntity/cbc:RegistrationName") == "Gemeente Alkmaar"
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "NL91ABNA0417164300"
    assert text(root, "cac:PaymentMeans/cbc:PaymentID") == "2026-000042"


def test_amounts_have_exactly_two_decimals():
    root = parse(render_ubl(create_document([create_line(1, D("1000.00")),
                                             create_line(2, D("0.50"))])))
    amounts = root.xpath("//*[@currencyID]", namespaces=NS)
    assert amounts
    for node in amounts:
        assert node.text.split(".")[1].__len__() == 2, node.text


def test_totals_and_vat_breakdown():
    root = parse(render_ubl(create_document()))
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "393.86"
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == "1875.50"
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "S"
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == "21"
    totals = "cac:LegalMonetaryTotal/cbc:"
    assert [text(root, totals + name) for name in (
        "LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PayableAmount")] == \
        ["1875.50", "1875.50", "2269.36", "2269.36"]


def test_zero_rate_is_category_e_with_an_exemption_reason():
    root = parse(render_ubl(create_document(vat_rate=D("0"), vat_exemption_reason="Art. 11 lid 1")))
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/"
    assert text(root, category + "cbc:ID") == "E"
    assert text(root, category + "cbc:Percent") == "0"
    assert text(root, category + "cbc:TaxExemptionReason") == "Art. 11 lid 1"
    assert set(texts(root, "//cac:ClassifiedTaxCategory/cbc:ID")) == {"E"}


def test_a_negative_line_in_an_invoice_has_quantity_minus_one_and_a_positive_price():
    root = parse(render_ubl(create_document(
        [create_line(1, D("1000.00")), create_line(2, D("-312.45"), reason="CORRECTION")])))
    line = root.xpath("cac:InvoiceLine[cbc:ID='2']", namespaces=NS)[0]
    assert text(line, "cbc:InvoicedQuantity") == "-1"
    assert line.xpath("cbc:InvoicedQuantity/@unitCode", namespaces=NS) == ["C62"]
    assert text(line, "cbc:LineExtensionAmount") == "-312.45"
    assert text(line, "cac:Price/cbc:PriceAmount") == "312.45"
    assert text(line, "cbc:Note") == "Correctie op eerder gefactureerd bedrag"


def test_credit_note_is_type_261_with_positive_amounts_and_billing_reference():
    doc = create_credit_note()
    root = parse(render_ubl(doc))
    assert etree.QName(root).localname == "CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "261"
    assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == \
        ["2026-000017"]
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "1149.50"  # doc.total -1149.50
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "199.50"
    revoked = root.xpath("cac:CreditNoteLine[cbc:ID='1']", namespaces=NS)[0]
    assert text(revoked, "cbc:CreditedQuantity") == "1"
    assert text(revoked, "cbc:LineExtensionAmount") == "1250.00"
    # A newly payable line netted into the credit note is credited negatively.
    payable = root.xpath("cac:CreditNoteLine[cbc:ID='2']", namespaces=NS)[0]
    assert text(payable, "cbc:CreditedQuantity") == "-1"
    assert text(payable, "cbc:LineExtensionAmount") == "-300.00"
    assert text(payable, "cac:Price/cbc:PriceAmount") == "300.00"
    assert not root.xpath("cbc:DueDate", namespaces=NS)  # not in the CreditNote schema
    assert "31-12-2026" in text(root, "cac:PaymentTerms/cbc:Note")


def test_credit_note_pays_back_to_the_municipality_when_its_iban_is_known():
    root = parse(render_ubl(create_credit_note(customer=create_municipality(
        iban="NL02RABO0123456789"))))
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "NL02RABO0123456789"
    assert text(root, "cac:PaymentMeans/cbc:PaymentDueDate") == "2026-12-31"


def test_funding_split_travels_with_each_line():
    root = parse(render_ubl(create_document()))
    names = texts(root, "cac:InvoiceLine[1]/cac:Item/cac:AdditionalItemProperty/cbc:Name")
    assert names == ["Financiering ESF", "Financiering WERKDEEL"]


def test_missing_master_data_leaves_a_valid_document_and_is_reported():
    # What the portal holds for a municipality today: a name, a CBS code, maybe a city.
    doc = create_document(
        customer=create_municipality(kvk=None, vat_id=None, street="", postcode="", email=None),
        supplier=create_bureau(iban=None, vat_id=None))
    xml = render_ubl(doc)
    assert schema_errors(xml) == []
    assert check_ubl(xml) == []  # the calculations and the structure are right
    missing = {error[1:error.index("]")] for error in master_data_errors(xml)}
    assert missing == {"PEPPOL-EN16931-R010", "NL-R-004", "NL-R-007", "BR-S-02"}
    root = parse(xml)
    assert not root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)
    assert not root.xpath("cac:PaymentMeans", namespaces=NS)
    assert "Betaling uiterlijk 31-12-2026 onder vermelding van 2026-000042." == \
        text(root, "cac:PaymentTerms/cbc:Note")
    with pytest.raises(UblError) as error:
        render_ubl(doc, strict=True)
    assert len(error.value.problems) == 4


def test_complete_master_data_passes_strict():
    assert master_data_errors(render_ubl(create_document(), strict=True)) == []
    assert master_data_errors(render_ubl(create_credit_note(), strict=True)) == []


def test_vat_id_is_the_address_when_there_is_no_kvk():
    root = parse(render_ubl(create_document(customer=create_municipality(kvk=None))))
    endpoint = root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("9944", "NL001234567B01")
    assert rule_errors(etree.tostring(root)) == []


@pytest.mark.parametrize(("path", "value", "rule"), [
    ("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "1875.51", "BR-CO-10"),
    ("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "1875.00", "BR-CO-13"),
    ("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "2269.00", "BR-CO-15"),
    ("cac:LegalMonetaryTotal/cbc:PayableAmount", "2269.00", "BR-CO-16"),
    ("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "393.85", "BR-S-09"),
    ("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "1875.00", "BR-S-08"),
    ("cac:TaxTotal/cbc:TaxAmount", "393.00", "BR-CO-14"),
    ("cac:InvoiceLine[1]/cac:Price/cbc:PriceAmount", "1000.00", "PEPPOL-EN16931-R120"),
    ("cac:InvoiceLine[1]/cbc:LineExtensionAmount", "1250.001", "BR-DEC"),
    ("cbc:InvoiceTypeCode", "380", "PEPPOL-EN16931-P0100"),
    ("cac:PaymentMeans/cbc:PaymentMeansCode", "1", "NL-R-008"),
])
def test_the_checker_catches_a_document_that_does_not_add_up(path, value, rule):
    root = parse(render_ubl(create_document()))
    root.xpath(path, namespaces=NS)[0].text = value
    errors = rule_errors(etree.tostring(root))
    assert any(error.startswith(f"[{rule}]") for error in errors), errors


def test_the_checker_wants_a_billing_reference_on_a_credit_note():
    root = parse(render_ubl(create_credit_note()))
    for reference in root.xpath("cac:BillingReference", namespaces=NS):
        root.remove(reference)
    assert any(e.startswith("[NL-R-001]") for e in rule_errors(etree.tostring(root)))


def test_check_ubl_reports_malformed_xml():
    assert check_ubl(b"<Invoice>")[0].startswith("XML is not well-formed")
