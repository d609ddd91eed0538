"""Registering from a personal link, in a real browser at 360 px."""

from __future__ import annotations

from sqlalchemy import select

from stokvel.id_numbers import MemberIdNumber
from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.models import Member
from ops.devstack import open_link

VALID_ID = "8001015009087"


def _member(number: str):
    with session_scope() as session:
        return session.execute(select(Member).where(Member.number == number)).scalar_one_or_none()


def test_register_resolves_the_wallet_saves_the_member_and_welcomes_them(stack, page):
    number = "+27821110001"
    wallet = stack.wallet("thandi")
    open_link(page, make_link(number, "register"))

    assert page.get_by_label("WhatsApp number").input_value() == number
    assert page.get_by_label("WhatsApp number").get_attribute("readonly") is not None
    page.get_by_label("First name").fill("Thandi")
    page.get_by_label("Surname").fill("Mokoena")
    page.get_by_label("South African ID number (optional)").fill(VALID_ID)
    page.get_by_label("Open Payments wallet address").fill(wallet)
    page.get_by_role("button", name="Check wallet").click()
    assert "holds ZAR" in page.locator("#wallet-found").inner_text()
    page.get_by_label("Preferred language").select_option("zu")
    page.get_by_label("I agree to the DigiStokvel terms", exact=False).check()
    page.get_by_role("button", name="Register").click()

    page.get_by_role("heading", name="Welcome, Thandi!").wait_for()
    assert "ZAR" in page.content()
    member = _member(number)
    assert (member.name, member.surname, member.wallet_address, member.language) == (
        "Thandi", "Mokoena", wallet, "zu")
    with session_scope() as session:
        assert session.get(MemberIdNumber, member.id).id_number == VALID_ID
    assert any("Welcome to DigiStokvel, Thandi" in text for text in stack.whatsapp_to(number))

    # The ID number is only ever shown again masked.
    open_link(page, make_link(number, "profile"))
    assert "•••••••••9087" in page.content()
    assert VALID_ID not in page.content()


def test_bad_input_is_explained_beside_each_field_kept_and_saves_nothing(stack, page):
    number = "+27821110002"
    open_link(page, make_link(number, "register"))
    page.get_by_label("First name").fill("Sipho")
    page.get_by_label("South African ID number (optional)").fill("8001015009086")  # bad check digit
    page.get_by_label("Open Payments wallet address").fill(f"{stack.payments}/nobody-here")
    page.get_by_role("button", name="Register").click()

    errors = {e.get_attribute("id"): e.inner_text() for e in page.locator(".error").all()}
    assert errors["surname-error"] == "Please give your surname."
    assert "not valid" in errors["id_number-error"]
    assert "No wallet was found" in errors["wallet_address-error"]
    assert errors["consent-error"] == "You need to agree to the terms to register."
    assert page.get_by_label("First name").input_value() == "Sipho"
    assert page.get_by_label("South African ID number (optional)").input_value() == "8001015009086"
    assert _member(number) is None
    assert stack.whatsapp_to(number) == []
