"""Authorising the recurring contribution at the member's wallet (the payment sandbox's
approval page) and the finish redirect."""

from __future__ import annotations

from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.models import Membership, PaymentGrant
from ops import demo
from ops.devstack import open_link


def _state(stokvel_id: int) -> tuple[str, list[tuple[str, bool]]]:
    """The membership's status and each grant's (status, has an access token)."""
    with session_scope() as session:
        membership = session.execute(select(Membership).where(
            Membership.stokvel_id == stokvel_id)).scalar_one()
        grants = session.execute(select(PaymentGrant).where(
            PaymentGrant.stokvel_id == stokvel_id).order_by(PaymentGrant.id)).scalars()
        return membership.status, [(g.status, g.access_token is not None) for g in grants]


def _to_wallet(page, stack, number: str, stokvel_id: int) -> None:
    open_link(page, make_link(number, "authorise", stokvel_id=stokvel_id))
    page.get_by_role("button", name="Go to my wallet to approve").click()
    page.get_by_role("button", name="Accept").wait_for()
    assert page.url.startswith(stack.payments)


def test_accepting_at_the_wallet_activates_the_member(stack, page):
    number = demo.member(stack, "+27821550001", "Precious")
    stokvel_id = demo.stokvel(number, "Durban Diamonds")
    _to_wallet(page, stack, number, stokvel_id)
    assert "ZAR 1,050.00" in page.content()  # the wallet shows the limit we asked for
    assert "every month from 01 February 2027" in page.content()
    page.get_by_role("button", name="Accept").click()

    page.get_by_role("heading", name="All set").wait_for()
    assert page.url.startswith(f"{stack.forms}/grants/finish")
    assert _state(stokvel_id) == ("active", [("active", True)])
    assert any("contribution to Durban Diamonds is authorised" in m for m in stack.whatsapp_to(number))


def test_rejecting_at_the_wallet_changes_nothing_and_says_why(stack, page):
    number = demo.member(stack, "+27821550002", "Karabo")
    stokvel_id = demo.stokvel(number, "Polokwane Pride")
    _to_wallet(page, stack, number, stokvel_id)
    page.get_by_role("button", name="Reject").click()

    page.get_by_role("heading", name="Not authorised").wait_for()
    assert "did not approve" in page.content()
    assert _state(stokvel_id) == ("awaiting_grant", [("pending", False)])
    assert not any("is authorised" in m for m in stack.whatsapp_to(number))
