"""Random line amounts and VAT rates: the document adds up and its UBL passes the checks."""
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from portal.invoicing import InvalidDocument, euro, render_ubl, rule_errors, schema_errors

from .factories import create_document, create_line

NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}

cents = st.integers(min_value=-5_000_000, max_value=5_000_000).filter(bool).map(
    lambda value: D(value).scaleb(-2))
vat_rates = st.one_of(
    st.sampled_from([D("0"), D("9"), D("21")]),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)


def build(amounts, vat_rate, **overrides):
    lines = [create_line(number, amount) for number, amount in enumerate(amounts, start=1)]
    net = sum(amounts, D(0))
    kind = "invoice" if net > 0 else "credit_note"
    return create_document(lines, kind=kind, vat_rate=vat_rate, **overrides)


@settings(max_examples=150, deadline=None)
@given(amounts=st.lists(cents, min_size=1, max_size=25), vat_rate=vat_rates)
def test_random_documents_add_up_and_their_ubl_passes(amounts, vat_rate):
    assume(sum(amounts, D(0)) != 0)
    doc = build(amounts, vat_rate)
    assert doc.subtotal == sum(amounts, D(0))
    assert doc.total == doc.subtotal + doc.vat
    assert abs(doc.vat - doc.subtotal * vat_rate / 100) <= D("0.005")

    xml = render_ubl(doc)
    assert rule_errors(xml) == []
    assert schema_errors(xml) == []
    root = etree.fromstring(xml)
    payable = D(root.xpath("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)[0].text)
    # Invoices carry our sign; a UBL credit note states the credited (positive) amount.
    assert payable == (doc.total if doc.kind == "invoice" else -doc.total)
    assert payable > 0


@settings(max_examples=100, deadline=None)
@given(amounts=st.lists(cents, min_size=1, max_size=10), vat_rate=vat_rates,
       field=st.sampled_from(["subtotal", "vat", "total"]),
       delta=st.sampled_from([D("0.01"), D("-0.01"), D("1.00")]))
def test_a_total_off_by_a_cent_is_refused(amounts, vat_rate, field, delta):
    assume(sum(amounts, D(0)) != 0)
    doc = build(amounts, vat_rate)
    with pytest.raises(InvalidDocument):
        build(amounts, vat_rate, **{field: getattr(doc, field) + delta})


@given(st.integers(min_value=-10**12, max_value=10**12).map(lambda value: D(value).scaleb(-2)))
def test_euro_reads_back_to_the_same_cents(amount):
    text = euro(amount)
    assert text.startswith("€ ")
    parsed = D(text[2:].replace(".", "").replace(",", "."))
    assert parsed == amount
