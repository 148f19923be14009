import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest

from portal.invoicing import InvalidDocument, vat_amount

from .factories import create_credit_note, create_document, create_line


def test_a_document_that_adds_up_builds():
    doc = create_document()
    assert doc.subtotal == D("1875.50")
    assert doc.vat == D("393.86")  # 393.855 rounds half up
    assert doc.total == D("2269.36")


def test_vat_rounds_half_away_from_zero_and_symmetric():
    assert vat_amount(D("0.50"), D("21")) == D("0.11")  # 0.105
    assert vat_amount(D("-0.50"), D("21")) == D("-0.11")
    assert vat_amount(D("10.00"), D("0")) == D("0.00")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("subtotal", D("1875.51"), "subtotal"),
    ("vat", D("393.85"), "vat"),
    ("total", D("2269.37"), "total"),
    ("vat_rate", D("-1"), "vat_rate"),
    ("currency", "USD", "currency"),
    ("due_date", date(2026, 11, 1), "due_date"),
    ("lines", (), "at least one line"),
])
def test_a_document_that_does_not_add_up_cannot_be_built(field, value, message):
    with pytest.raises(InvalidDocument) as error:
        create_document(**{field: value})
    assert message in str(error.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidDocument) as error:
        create_document(subtotal=D("1.00"), number="", contract_code="")
    assert len(error.value.problems) >= 3


@pytest.mark.parametrize("amount", [1250.0, 1250, D("1250.001"), D("NaN"), D("0.00")])
def test_line_amounts_are_nonzero_decimals_in_cents(amount):
    doc = create_document()
    bad_line = dataclasses.replace(doc.lines[1], amount=amount, funding={})
    with pytest.raises(InvalidDocument, match="line 2"):
        dataclasses.replace(doc, lines=(doc.lines[0], bad_line))


def test_line_reason_is_checked():
    with pytest.raises(InvalidDocument, match="reason"):
        create_document([create_line(1, reason="NORM_NOT_MET")])


def test_invoice_needs_positive_net_and_credit_note_negative_net():
    with pytest.raises(InvalidDocument, match="positive subtotal"):
        create_document([create_line(1, D("-100.00"), reason="CORRECTION")])
    with pytest.raises(InvalidDocument, match="negative subtotal"):
        create_document([create_line(1, D("100.00"))], kind="credit_note")


def test_invoice_may_hold_negative_correction_lines():
    doc = create_document([create_line(1, D("1000.00")),
                           create_line(2, D("-250.00"), reason="CORRECTION")])
    assert doc.subtotal == D("750.00")


def test_credit_note_is_negative_and_names_what_it_corrects():
    doc = create_credit_note()
    assert doc.subtotal == D("-950.00") and doc.vat == D("-199.50") and doc.total == D("-1149.50")
    assert doc.corrects == ("2026-000017",)
    with pytest.raises(InvalidDocument, match="corrects"):
        create_credit_note(corrects=())


def test_funding_must_add_up_per_line_and_in_total():
    with pytest.raises(InvalidDocument, match="funding"):
        create_document([create_line(1, D("100.00"), funding={"ESF": D("60.00"),
                                                              "WERKDEEL": D("30.00")})])
    with pytest.raises(InvalidDocument, match="funding total ESF"):
        create_document(funding_totals={"ESF": D("1.00"), "WERKDEEL": D("937.75")})


def test_funding_totals_may_list_sources_without_amounts():
    doc = create_document(funding_totals={"ESF": D("937.75"), "WERKDEEL": D("937.75"),
                                          "REGIO": D("0.00")})
    assert doc.funding_totals["REGIO"] == D("0.00")


def test_annex_lines_are_checked():
    from .factories import create_annex_line
    with pytest.raises(InvalidDocument, match="annex"):
        create_document(annex=(create_annex_line(status="payable"),))
    with pytest.raises(InvalidDocument, match="exceeds"):
        create_document(annex=(create_annex_line(withheld=D("900.00")),))


def test_the_document_is_frozen():
    doc = create_document()
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.total = D("1.00")
    with pytest.raises(TypeError):
        doc.funding_totals["ESF"] = D("0.00")
    with pytest.raises(TypeError):
        doc.lines[0].funding["ESF"] = D("0.00")
    assert isinstance(doc.lines, tuple)


def test_lists_are_copied_in_so_the_caller_cannot_change_the_copy():
    lines = [create_line(1, D("100.00"))]
    funding = {"ESF": D("50.00"), "WERKDEEL": D("50.00")}
    doc = create_document(lines, funding_totals=funding)
    lines.append(create_line(2))
    funding["ESF"] = D("0.00")
    assert len(doc.lines) == 1 and doc.funding_totals["ESF"] == D("50.00")


def test_the_document_converts_to_plain_data_for_storage():
    import copy
    import pickle

    doc = create_document()
    data = dataclasses.asdict(doc)  # what the portal stores as the frozen copy
    assert data["funding_totals"] == {"ESF": D("937.75"), "WERKDEEL": D("937.75")}
    assert data["lines"][0]["funding"] == {"ESF": D("625.00"), "WERKDEEL": D("625.00")}
    assert copy.deepcopy(doc) == doc
    assert pickle.loads(pickle.dumps(doc)) == doc
