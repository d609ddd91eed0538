"""South African ID numbers and the plain-words constitution."""

from __future__ import annotations

from datetime import date

import pytest

from forms_web.describe import describe_constitution
from stokvel.id_numbers import id_number_problem, mask_id_number


def _with_check_digit(first12: str, today: date | None = None) -> str:
    return next(first12 + d for d in "0123456789" if id_number_problem(first12 + d, today) is None)


@pytest.mark.parametrize("text, problem", [
    ("8001015009087", None),
    ("800101 5009 087", None),
    ("8001015009086", "This ID number is not valid: please check each digit."),
    ("800101500908", "An ID number has exactly 13 digits."),
    ("80010150090A7", "An ID number has exactly 13 digits."),
    ("8002305009087", "The first six digits must be a real date of birth (YYMMDD)."),
])
def test_id_numbers(text, problem):
    assert id_number_problem(text) == problem


def test_a_date_of_birth_must_be_real_and_not_in_the_future():
    today = date(2026, 11, 26)
    assert id_number_problem(_with_check_digit("000229500908"), today) is None  # 2000 was leap
    assert id_number_problem(_with_check_digit("261126500908"), today) is None  # born today
    born_tomorrow = _with_check_digit("261127500908", date(2026, 11, 27))
    assert id_number_problem(born_tomorrow, today) == (
        "The first six digits must be a real date of birth (YYMMDD).")
    # 2001 was no leap year.
    assert id_number_problem("0102295009087", today) == (
        "The first six digits must be a real date of birth (YYMMDD).")


def test_the_citizenship_digit_is_0_or_1():
    assert id_number_problem("8001015009287") == "This ID number is not valid: please check each digit."


def test_masking_shows_only_the_last_four_digits():
    assert mask_id_number("8001015009087") == "•••••••••9087"


def test_savings_constitution_in_plain_words():
    words = describe_constitution({
        "kind": "savings", "contribution_minor": 20_000, "currency": "ZAR", "scale": 2,
        "contribution_frequency": "fortnightly", "start_date": date(2027, 1, 8),
        "end_date": None, "payout_frequency": "quarterly", "max_members": 30,
        "payout_order": "join_order", "late_penalty_minor": 0, "grace_days": 0})
    assert words == ("Each of up to 30 members pays R200.00 every second Friday from 8 January "
                     "2027; the pot is shared out among the members every three months; no "
                     "penalty for paying late.")


def test_month_end_start_dates_say_what_happens_in_short_months():
    words = describe_constitution({
        "kind": "rotating", "contribution_minor": 10_000, "contribution_frequency": "monthly",
        "start_date": date(2027, 1, 31), "max_members": 4, "payout_order": "random_draw",
        "late_penalty_minor": 1_000, "grace_days": 0})
    assert "on the 31st (or the month's last day) of every month" in words
    assert "in an order drawn at random; R10.00 penalty for paying late." in words
