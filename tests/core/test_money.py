"""Money parsing and formatting, and phone-number normalisation."""

import pytest
from hypothesis import given, strategies as st

from stokvel.errors import InvalidInput
from stokvel.money import MAX_TYPED_MINOR, Money, format_money, parse_money
from stokvel.phone import normalise_number


@pytest.mark.parametrize("text, minor", [
    ("R500", 50000), ("R 1 200,50", 120050), ("1200.5", 120050), ("300 rand", 30000),
    ("250", 25000), ("R1,200.50", 120050), ("1,200", 120000), ("ZAR 75", 7500),
    ("r 12,5", 1250), ("R1\u00a0000", 100000), ("1 000 000", 100000000), ("0.01", 1),
    ("1.200,50", 120050), ("R1 200.50", 120050), ("5 rands", 500),
])
def test_parses_what_members_type(text, minor):
    assert parse_money(text) == Money(minor)


@pytest.mark.parametrize("text, says", [
    ("-50", "more than zero"), ("R0", "more than zero"), ("0,00", "more than zero"),
    ("12.345", "more than 2 decimals"), ("R1 000 000.01", "limit"), ("5000000", "limit"),
    ("fifty", "could not read"), ("", "could not read"), ("R", "could not read"),
    ("1,2,3", "could not read"), ("12..5", "could not read"), ("1e5", "could not read"),
    ("minus 5", "more than zero"),
])
def test_rejects_with_a_clear_message(text, says):
    with pytest.raises(InvalidInput) as error:
        parse_money(text)
    assert says in error.value.message


def test_formats_with_space_thousands_and_two_decimals():
    assert format_money(Money(120050)) == "R1 200.50"
    assert format_money(Money(50000)) == "R500.00"
    assert format_money(Money(5)) == "R0.05"
    assert format_money(Money(-120050)) == "-R1 200.50"
    assert format_money(Money(123456789)) == "R1 234 567.89"
    assert format_money(Money(150, "USD")) == "USD 1.50"
    assert str(Money(100)) == "R1.00"


def test_arithmetic_keeps_assets_apart():
    assert Money(100) + Money(50) == Money(150)
    assert Money(100) - Money(150) == Money(-50)
    assert Money(100) * 3 == Money(300)
    with pytest.raises(ValueError):
        Money(100) + Money(100, "USD")
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=MAX_TYPED_MINOR))
def test_format_then_parse_round_trips(minor):
    assert parse_money(format_money(Money(minor))) == Money(minor)


@given(st.integers(min_value=1, max_value=MAX_TYPED_MINOR // 100),
       st.sampled_from(["R{}", "R {}", "{} rand", "{}", "ZAR{}"]),
       st.sampled_from([" ", ",", ""]))
def test_whole_rands_in_any_usual_form(rands, template, separator):
    grouped = f"{rands:,}".replace(",", separator)
    assert parse_money(template.format(grouped)) == Money(rands * 100)


@given(st.integers(min_value=1, max_value=MAX_TYPED_MINOR), st.sampled_from([".", ","]))
def test_decimal_point_or_comma(minor, mark):
    units, cents = divmod(minor, 100)
    assert parse_money(f"{units}{mark}{cents:02d}") == Money(minor)


@pytest.mark.parametrize("text", ["0821234567", "+27 82 123 4567", "whatsapp:+27821234567",
                                  "27821234567", "082 123 4567", "WhatsApp:+27 (82) 123-4567"])
def test_same_person_whatever_the_form(text):
    assert normalise_number(text) == "+27821234567"


@pytest.mark.parametrize("text", ["hello", "123", "", "+27 12"])
def test_bad_numbers_are_refused(text):
    with pytest.raises(InvalidInput):
        normalise_number(text)
