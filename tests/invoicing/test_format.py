from datetime import date, datetime
from decimal import Decimal as D

import pytest

from portal.invoicing.format import amount_nl, euro, nl_date, nl_percent


@pytest.mark.parametrize(("amount", "text"), [
    (D("0"), "€ 0,00"),
    (D("0.5"), "€ 0,50"),
    (D("7.00"), "€ 7,00"),
    (D("1234.56"), "€ 1.234,56"),
    (D("1000000"), "€ 1.000.000,00"),
    (D("-1234.56"), "€ -1.234,56"),
    (D("-0.004"), "€ 0,00"),  # rounds to zero: no "-0,00"
    (D("0.005"), "€ 0,01"),  # ROUND_HALF_UP
    (D("-0.005"), "€ -0,01"),  # halves away from zero
    (D("999.995"), "€ 1.000,00"),
])
def test_euro(amount, text):
    assert euro(amount) == text


def test_euro_refuses_floats():
    with pytest.raises(TypeError):
        euro(1234.56)


def test_amount_without_sign():
    assert amount_nl(D("-1234.5")) == "-1.234,50"


def test_nl_date():
    assert nl_date(date(2026, 12, 31)) == "31-12-2026"
    assert nl_date(date(2027, 1, 5)) == "05-01-2027"
    with pytest.raises(TypeError):
        nl_date(datetime(2026, 12, 31, 12, 0))


@pytest.mark.parametrize(("rate", "text"), [
    (D("21"), "21 %"), (D("21.00"), "21 %"), (D("9.5"), "9,5 %"), (D("0"), "0 %"),
    (D("0.00"), "0 %"), (D("10"), "10 %"),
])
def test_nl_percent(rate, text):
    assert nl_percent(rate) == text
