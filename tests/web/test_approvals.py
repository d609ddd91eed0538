"""Admins approve or decline applications; the applicant is told either way."""

from __future__ import annotations

import re

from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.models import Application
from stokvel.services import members, roles
from ops import demo
from ops.devstack import open_link


def _status(application_id: int) -> str:
    with session_scope() as session:
        return session.get(Application, application_id).status


def test_approving_gives_a_membership_and_sends_a_working_authorise_link(stack, page):
    admin = demo.member(stack, "+27821440001", "Refilwe")
    applicant = demo.member(stack, "+27821440002", "Sizwe")
    stokvel_id = demo.stokvel(admin, "Alex Gogos")
    application_id = demo.application(applicant, stokvel_id)

    open_link(page, make_link(admin, "approvals", stokvel_id=stokvel_id))
    card = page.locator(f"#application-{application_id}")
    assert "Sizwe Test" in card.inner_text() and applicant in card.inner_text()
    card.get_by_role("button", name="Approve").click()

    assert "Sizwe Test is approved" in page.locator(".notice").inner_text()
    assert "No applications are waiting." in page.content()
    assert _status(application_id) == "approved"
    with session_scope() as session:
        membership = roles.current_membership(
            session, stokvel_id, members.get_by_number(session, applicant).id)
        assert (membership.role, membership.status) == ("member", "awaiting_grant")
    message = next(m for m in stack.whatsapp_to(applicant) if "accepted into Alex Gogos" in m)
    link = re.search(r"(http://\S+/l/\S+)", message).group(1)
    open_link(page, link)
    page.get_by_role("heading", name="Authorise your contribution").wait_for()


def test_declining_tells_the_applicant_the_reason(stack, page):
    admin = demo.member(stack, "+27821440003", "Dineo")
    applicant = demo.member(stack, "+27821440004", "Vusi")
    stokvel_id = demo.stokvel(admin, "Gugulethu Gold")
    application_id = demo.application(applicant, stokvel_id)

    open_link(page, make_link(admin, "approvals", stokvel_id=stokvel_id))
    card = page.locator(f"#application-{application_id}")
    card.get_by_label("Reason, if you decline (optional)").fill("We are family only <3")
    card.get_by_role("button", name="Decline").click()

    assert "Vusi Test was declined" in page.locator(".notice").inner_text()
    assert _status(application_id) == "declined"
    assert any("application to join Gugulethu Gold was declined" in m and "family only <3" in m
               for m in stack.whatsapp_to(applicant))
