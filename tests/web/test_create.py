"""Creating a stokvel: the constitution, its plain-words preview, confirmation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.links import make_link
from stokvel.models import Membership, Stokvel
from stokvel.services import constitution, grants
from ops import demo
from ops.devstack import open_link

PREVIEW = ("Mamelodi Savers: Each of up to 12 members pays R500.00 on the 1st of every month "
           "from 1 February 2027; the whole pot goes to one member each month in join order; "
           "R50.00 penalty after 3 days late.")
WALLET = "The stokvel's wallet address (where the pot is kept)"


def _stokvel(name: str):
    with session_scope() as session:
        return session.execute(select(Stokvel).where(Stokvel.name == name)).scalar_one_or_none()


def _fill(page, **values):
    for label, value in values.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_create_previews_in_plain_words_then_creates_on_confirm(stack, page):
    creator = demo.member(stack, "+27821220001", "Lerato")
    pot = stack.wallet("mamelodi-pot", balance=0)
    open_link(page, make_link(creator, "create"))
    _fill(page, **{"Stokvel name": "Mamelodi Savers", WALLET: pot, "Contribution per member": "R500",
                   "How often members pay": "monthly", "First payment date": "2027-02-01",
                   "Maximum number of members": "12", "Penalty for paying late (optional)": "R50",
                   "Days late before the penalty": "3"})
    page.get_by_role("button", name="Preview").click()

    assert page.locator("#preview-text").inner_text() == PREVIEW
    assert _stokvel("Mamelodi Savers") is None  # nothing is created before confirming

    page.get_by_role("button", name="Confirm and create").click()
    # First the pot: a year of full pots (12 members x R1 050, 12 months) may be paid out of it.
    page.get_by_role("heading", name="Allow payouts from the pot").wait_for()
    assert page.locator("#limit").inner_text() == "R151 200.00 a year"
    page.get_by_role("button", name="Go to the stokvel's wallet to approve").click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("heading", name="Payouts authorised").wait_for()
    page.get_by_role("link", name="Next: authorise your own contribution").click()
    page.get_by_role("heading", name="Authorise your contribution").wait_for()
    # Contribution + penalty + room for one extra contribution.
    assert "R1 050.00 every month" in page.locator("#limit").inner_text()
    created = _stokvel("Mamelodi Savers")
    assert created.wallet_address == pot
    with session_scope() as session:
        rules = constitution.as_dict(constitution.latest(session, created.id))
        membership = session.execute(select(Membership).where(
            Membership.stokvel_id == created.id)).scalar_one()
        assert (membership.role, membership.status) == ("admin", "awaiting_grant")
        payout_grant = grants.active_payout_grant(session, created.id)
        assert (payout_grant.wallet_address, payout_grant.access_token is not None) == (pot, True)
    assert rules["contribution_minor"] == 50_000 and rules["late_penalty_minor"] == 5_000
    assert (rules["start_date"], rules["max_members"], rules["grace_days"]) == (date(2027, 2, 1), 12, 3)


def test_changing_the_form_after_the_preview_needs_a_new_preview(stack, page):
    creator = demo.member(stack, "+27821220002", "Kagiso")
    open_link(page, make_link(creator, "create"))
    _fill(page, **{"Stokvel name": "Soweto Circle", WALLET: stack.wallet("soweto-pot", balance=0),
                   "Contribution per member": "R300",
                   "First payment date": "2027-03-05", "Maximum number of members": "6"})
    page.get_by_role("button", name="Preview").click()
    page.get_by_label("Contribution per member").fill("R3000")
    page.get_by_role("button", name="Confirm and create").click()

    assert "pays R3 000.00" in page.locator("#preview-text").inner_text()
    assert _stokvel("Soweto Circle") is None


def test_constitution_errors_show_beside_their_fields_with_input_kept(stack, page):
    creator = demo.member(stack, "+27821220003", "Nomsa")
    open_link(page, make_link(creator, "create"))
    _fill(page, **{"Stokvel name": "Tembisa Ten", WALLET: stack.wallet("tembisa-pot", balance=0),
                   "Contribution per member": "five hundred",
                   "First payment date": "2027-02-01", "Maximum number of members": "1"})
    page.get_by_role("button", name="Preview").click()

    assert "could not read 'five hundred'" in page.locator("#contribution-error").inner_text()
    assert page.get_by_label("Contribution per member").input_value() == "five hundred"
    page.get_by_label("Contribution per member").fill("R200")
    page.get_by_role("button", name="Preview").click()
    # A rule across fields comes from the domain core, above the form.
    assert "between 2 and 200 members" in page.get_by_role("alert").inner_text()
    assert page.locator("#preview").count() == 0
    assert _stokvel("Tembisa Ten") is None
