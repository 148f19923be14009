"""Money is exact: one rounding helper, and funding splits that add up to the cent."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from settlement import FundingShare, fmt_amount, split_amount, to_cents
from settlement.money import percentage_of, round_fraction, times

D = Decimal


@pytest.mark.parametrize("value, cents", [
    ("0.005", "0.01"), ("0.004", "0.00"), ("2499.9975", "2500.00"), ("-0.005", "-0.01"), ("832.5", "832.50"),
    ("1.015", "1.02"), ("1.025", "1.03"),
])
def test_to_cents_rounds_half_up(value, cents):
    assert str(to_cents(D(value))) == cents


def test_products_are_rounded_only_once():
    assert percentage_of(D("3333.33"), D("75")) == D("2500.00")
    assert times(D("2500.00"), D("0.333")) == D("832.50")
    assert times(D("0.05"), D("0.5")) == D("0.03")
    # Digits far beyond the default precision of 28 do not get rounded away first.
    assert percentage_of(D("12345678901234567890.00"), D("33.333333333333333333")) == \
        D("4115226300411522629.96")  # exactly ...629.9588...


def test_round_fraction_is_exact():
    assert round_fraction(Fraction(2, 3) * 100, 2) == D("66.67")
    assert round_fraction(Fraction(1, 8) * 100, 2) == D("12.50")
    assert round_fraction(Fraction(1, 32) * 100, 2) == D("3.13")
    assert round_fraction(Fraction(0), 2) == D("0.00")


def test_fmt_amount():
    assert fmt_amount(D("1234.5")) == "1234.50"
    assert fmt_amount(D("-0.00")) == "0.00"
    assert fmt_amount(D("0")) == "0.00"
    assert fmt_amount(D("-12.3")) == "-12.30"


def shares(*values: str) -> tuple[FundingShare, ...]:
    return tuple(FundingShare(source=chr(ord("A") + i), share=D(v)) for i, v in enumerate(values))


def test_largest_remainder_with_ties_in_contract_order():
    # 833.33 over 33.33/33.33/33.34: floors 277.74, 277.74, 277.83; two cents to the two
    # largest remainders, A and B (equal remainders: contract order).
    assert split_amount(D("833.33"), shares("33.33", "33.33", "33.34")) == \
        {"A": D("277.75"), "B": D("277.75"), "C": D("277.83")}
    assert split_amount(D("832.50"), shares("33.33", "33.33", "33.34")) == \
        {"A": D("277.47"), "B": D("277.47"), "C": D("277.56")}


def test_equal_shares_give_the_odd_cent_to_the_first():
    assert split_amount(D("0.01"), shares("50", "50")) == {"A": D("0.01"), "B": D("0.00")}
    # Remainders 0.6666, 0.6666, 0.6668 (in cents): C first, then A by contract order.
    assert split_amount(D("0.02"), shares("33.33", "33.33", "33.34")) == {"A": D("0.01"), "B": D("0.00"),
                                                                         "C": D("0.01")}


def test_ties_follow_contract_order_not_source_name():
    split = split_amount(D("0.01"), (FundingShare(source="Z", share=D("50")), FundingShare(source="A", share=D("50"))))
    assert split == {"Z": D("0.01"), "A": D("0.00")}
    assert list(split) == ["Z", "A"]


def test_negative_amount_is_split_as_its_absolute_value_then_negated():
    assert split_amount(D("-833.33"), shares("33.33", "33.33", "33.34")) == \
        {"A": D("-277.75"), "B": D("-277.75"), "C": D("-277.83")}
    assert split_amount(D("-0.01"), shares("50", "50")) == {"A": D("-0.01"), "B": D("0.00")}
    assert str(split_amount(D("-0.01"), shares("50", "50"))["B"]) == "0.00"  # no "-0.00"


def test_zero_and_no_funding():
    assert split_amount(D("0.00"), shares("50", "50")) == {"A": D("0.00"), "B": D("0.00")}
    assert split_amount(D("10.00"), ()) == {}


@pytest.mark.parametrize("amount", ["0.01", "0.07", "1.00", "999.99", "123456.78"])
@pytest.mark.parametrize("parts", [("100",), ("50", "50"), ("33.33", "33.33", "33.34"), ("12.5", "87.5"),
                                   ("0", "100"), ("0.001", "99.999")])
def test_parts_add_up_exactly(amount, parts):
    split = split_amount(D(amount), shares(*parts))
    assert sum(split.values()) == D(amount)
    assert all(part.as_tuple().exponent == -2 for part in split.values())
