"""Stokvel settings (admins; rule changes become a new constitution version) and the
member's own profile."""

from __future__ import annotations

from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.services import constitution, members, stokvels
from ops import demo
from ops.devstack import open_link


def test_admin_changes_rules_as_a_new_version_and_members_are_told(stack, page):
    admin = demo.member(stack, "+27821880001", "Nandi")
    member = demo.member(stack, "+27821880002", "Lwazi")
    stokvel_id = demo.stokvel(admin, "Rules Club")
    demo.approved(admin, member, stokvel_id)

    open_link(page, make_link(admin, "settings", stokvel_id=stokvel_id))
    assert "pays R500.00" in page.locator(".preview").inner_text()
    assert page.get_by_label("Contribution per member").input_value() == "R500.00"
    page.get_by_label("Contribution per member").fill("R650")
    page.get_by_label("Stokvel name").fill("Rules Club Plus")
    page.get_by_role("button", name="Save changes").click()

    assert "version 2" in page.locator(".notice").inner_text()
    with session_scope() as session:
        versions = constitution.versions(session, stokvel_id)
        assert [v.contribution_minor for v in versions] == [50_000, 65_000]
        assert stokvels.get(session, stokvel_id).name == "Rules Club Plus"
    assert any("rules of Rules Club Plus have changed" in m for m in stack.whatsapp_to(member))


def test_profile_keeps_bad_input_beside_the_field_and_saves_good_input(stack, page):
    number = demo.member(stack, "+27821880003", "Ntombi")
    open_link(page, make_link(number, "profile"))
    page.get_by_label("Open Payments wallet address").fill(f"{stack.payments}/no-such-wallet")
    page.get_by_label("Surname").fill("Dlamini")
    page.get_by_role("button", name="Save").click()
    assert "No wallet was found" in page.locator("#wallet_address-error").inner_text()
    assert page.get_by_label("Surname").input_value() == "Dlamini"
    with session_scope() as session:
        assert members.get_by_number(session, number).surname == "Test"

    new_wallet = stack.wallet("ntombi-new")
    page.get_by_label("Open Payments wallet address").fill(new_wallet)
    page.get_by_role("button", name="Save").click()
    assert "Your wallet holds ZAR" in page.locator(".notice").inner_text()
    with session_scope() as session:
        saved = members.get_by_number(session, number)
        assert (saved.surname, saved.wallet_address) == ("Dlamini", new_wallet)
