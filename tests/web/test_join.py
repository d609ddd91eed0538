"""Joining: by invite code or by searching listed stokvels; applying tells the admins."""

from __future__ import annotations

from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.models import Application
from stokvel.services import invites
from ops import demo
from ops.devstack import open_link


def _applications(stokvel_id: int) -> list[tuple[int, str, str]]:
    with session_scope() as session:
        return [(a.member_id, a.via, a.status) for a in session.execute(
            select(Application).where(Application.stokvel_id == stokvel_id)).scalars()]


def test_join_by_invite_code_shows_the_rules_and_tells_the_admins(stack, page):
    admin = demo.member(stack, "+27821330001", "Zanele")
    applicant = demo.member(stack, "+27821330002", "Bongani")
    stokvel_id = demo.stokvel(admin, "Khayelitsha Queens", listed=False, max_members=5)
    with session_scope() as session:
        code = invites.create_code(session, stokvel_id, admin).code

    open_link(page, make_link(applicant, "join"))
    page.get_by_label("Invite code").fill(code.lower())  # as typed on a phone
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Khayelitsha Queens").wait_for()
    assert "Each of up to 5 members pays R500.00" in page.content()
    assert "4 of 5 places free" in page.locator("main").inner_text()
    page.get_by_role("button", name="Apply to join").click()
    page.get_by_role("heading", name="Application sent").wait_for()
    assert [(via, status) for _, via, status in _applications(stokvel_id)] == [("invite", "pending")]
    told = stack.whatsapp_to(admin)
    assert any("Bongani Test has applied to join Khayelitsha Queens" in m and "/l/" in m for m in told)


def test_join_by_searching_listed_stokvels(stack, page):
    admin = demo.member(stack, "+27821330003", "Palesa")
    applicant = demo.member(stack, "+27821330004", "Themba")
    listed_id = demo.stokvel(admin, "Soshanguve Savers")
    demo.stokvel(admin, "Soshanguve Secret", listed=False)

    open_link(page, make_link(applicant, "join"))
    page.get_by_label("Stokvel name").fill("soshanguve")
    page.get_by_role("button", name="Search").click()
    cards = page.locator(".card h3").all_inner_texts()
    assert cards == ["Soshanguve Savers"]  # unlisted stokvels are found only by invite code
    page.get_by_role("link", name="Soshanguve Savers").click()
    page.get_by_role("button", name="Apply to join").click()
    page.get_by_role("heading", name="Application sent").wait_for()
    assert [(via, status) for _, via, status in _applications(listed_id)] == [("listing", "pending")]


def test_a_second_application_is_refused_in_plain_words(stack, page):
    admin = demo.member(stack, "+27821330005", "Ayanda")
    applicant = demo.member(stack, "+27821330006", "Musa")
    stokvel_id = demo.stokvel(admin, "Umlazi United")
    demo.application(applicant, stokvel_id)

    open_link(page, make_link(applicant, "join"))
    page.goto(f"{stack.forms}/stokvels/{stokvel_id}/join")
    page.get_by_role("button", name="Apply to join").click()
    assert "already applied to Umlazi United" in page.get_by_role("alert").inner_text()
    assert len(_applications(stokvel_id)) == 1


def test_a_join_link_with_an_invite_code_opens_that_stokvel(stack, page):
    admin = demo.member(stack, "+27821330007", "Lindiwe")
    applicant = demo.member(stack, "+27821330008", "Jabu")
    stokvel_id = demo.stokvel(admin, "Mthatha Mothers", listed=False)
    with session_scope() as session:
        code = invites.create_code(session, stokvel_id, admin).code

    open_link(page, make_link(applicant, "join", invite_code=code))
    page.get_by_role("heading", name="Mthatha Mothers").wait_for()
    page.get_by_role("button", name="Apply to join").click()
    page.get_by_role("heading", name="Application sent").wait_for()
    assert [(via, status) for _, via, status in _applications(stokvel_id)] == [("invite", "pending")]
