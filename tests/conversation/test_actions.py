"""The action server's behaviour, action by action, on a real database and sandboxes."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select, update

from actions.accounts import ActionJoinStokvel, ActionRegister
from actions.admin import ActionInviteMember, ActionPendingApplications
from actions.cancel import ActionCancel
from actions.contribution import (
    ActionAskContributionConfirmed,
    ActionSubmitContribution,
    ValidateContributionForm,
)
from actions.fallback import ActionDefaultAskAffirmation
from actions.handoff import ActionHumanHandoff
from actions.leave import ActionAskLeaveConfirmed, ActionSubmitLeave, ValidateLeaveForm
from actions.menu import ActionHelp
from actions.payout import ActionSubmitPayout, ValidatePayoutForm
from actions.profile import ActionSubmitProfile, ValidateProfileForm
from actions.queries import (
    ActionContributionHistory,
    ActionListMyStokvels,
    ActionStokvelSummary,
    ActionViewConstitution,
)
from actions.settings import ActionSubmitSettings
from stokvel.db import session_scope
from stokvel.links import read_link
from stokvel.models import ApprovalRequest, InviteCode, Membership
from stokvel.services import applications, members, stokvels
from tests.conversation.conftest import run_action, tracker_for

STRANGER = "+27829990001"
# Stokvels start today: the members' wallet allowances (contribution + penalty a period)
# are open from now on, so a contribution made in the chat can be paid.
START = date.today()


def link_in(text: str) -> str:
    return next(word for word in text.split() if "/l/" in word)


def test_a_stranger_gets_a_personal_registration_link_instead_of_figures(world):
    turn = run_action(ActionStokvelSummary(), tracker_for(STRANGER, "how much is in the pot", "stokvel_summary"))
    assert "not registered" in turn.text
    claims = read_link(link_in(turn.text).rsplit("/", 1)[1])
    assert (claims.number, claims.purpose) == (STRANGER, "register")
    # Registering is offered the same way; a registered member is told they already are.
    assert "/l/" in run_action(ActionRegister(), tracker_for(STRANGER, "register", "register")).text
    alice = world.person("Alice", 0)
    assert "already registered" in run_action(ActionRegister(), tracker_for(alice.number, "register")).text


def test_a_member_in_one_stokvel_is_never_asked_which_and_sees_the_real_pot(world):
    alice = world.person("Alice", 100_000)
    world.create_stokvel(alice, start_date=START)
    turn = run_action(ActionStokvelSummary(), tracker_for(alice.number, "balance", "stokvel_summary"))
    assert turn.buttons == []
    assert f"Savers {world.prefix}" in turn.text and "Pot: R0.00" in turn.text
    assert "Contribution: R500.00 monthly" in turn.text
    assert turn.slot("stokvel_name") is None  # the name is not carried to the next request


def test_a_member_in_several_stokvels_is_asked_unless_the_message_names_one(world):
    alice = world.person("Alice", 0)
    world.create_stokvel(alice, start_date=START)
    with session_scope() as session:
        stokvels.create(session, alice.number, dict(
            name="Umoja Club", kind="savings", contribution="R200", contribution_frequency="weekly",
            payout_frequency="at_end", start_date=START, end_date=START + timedelta(days=400), max_members=5, payout_order="join_order"))
    asked = run_action(ActionViewConstitution(), tracker_for(alice.number, "rules", "view_constitution"))
    assert [b["title"] for b in asked.buttons] == sorted([f"Savers {world.prefix}", "Umoja Club"])
    intent, entities = asked.buttons[-1]["payload"].split("{", 1)
    assert intent == "/view_constitution" and json.loads("{" + entities) == {"stokvel_name": "Umoja Club"}
    named = run_action(ActionViewConstitution(), tracker_for(
        alice.number, "umoja rules", "view_constitution", entities=[("stokvel_name", "umoja")]))
    assert "Umoja Club – constitution" in named.text and "R200.00 weekly" in named.text
    unknown = run_action(ActionViewConstitution(), tracker_for(
        alice.number, "rules of Soweto Sisters", "view_constitution", entities=[("stokvel_name", "Soweto Sisters")]))
    assert "not a member of a stokvel called 'Soweto Sisters'" in unknown.text
    listed = run_action(ActionListMyStokvels(), tracker_for(alice.number, "my stokvels"))
    assert "Umoja Club – savings, admin" in listed.text


def test_admins_get_admin_options_and_members_do_not(world):
    alice, bongi = world.person("Alice", 0), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=START)
    world.join(bongi)
    titles = lambda number: [b["title"] for b in run_action(ActionHelp(), tracker_for(number, "help")).buttons]  # noqa: E731
    assert "Invite a member" in titles(alice.number)
    assert "Invite a member" not in titles(bongi.number)
    assert titles(STRANGER) == ["Register with DigiStokvel"]


def test_non_admins_are_refused_admin_actions_in_the_domain_cores_words(world):
    alice, bongi = world.person("Alice", 0), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=START)
    world.join(bongi)
    name = f"Savers {world.prefix}"
    for action in (ActionInviteMember(), ActionPendingApplications()):
        assert f"Only an admin of {name} can do that." in run_action(action, tracker_for(bongi.number)).text
    settings = run_action(ActionSubmitSettings(), tracker_for(bongi.number, slots={"stokvel_name": name}))
    assert f"Only an admin of {name} can do that." in settings.text and "/l/" not in settings.text
    admin_settings = run_action(ActionSubmitSettings(), tracker_for(alice.number, slots={"stokvel_name": name}))
    assert read_link(link_in(admin_settings.text).rsplit("/", 1)[1]).purpose == "settings"


def test_an_invite_code_in_the_message_applies_directly_and_the_admin_is_told(world, stack):
    alice, dumi = world.person("Alice", 0), world.person("Dumi", 0)
    world.create_stokvel(alice, start_date=START)
    invite = run_action(ActionInviteMember(), tracker_for(alice.number, "invite a member", "invite_member"))
    assert len(invite.text.split("*")[3]) == 6
    code = "KPQXRT"  # a code with no digit: the hardest to spot in a message
    with session_scope() as session:
        session.execute(update(InviteCode).values(code=code))
    # Typed in lower case and untagged by the model (even with no digit in it): still found.
    joined = run_action(ActionJoinStokvel(), tracker_for(dumi.number, f"hi my code is {code.lower()}", "join_stokvel"))
    assert f"request to join *Savers {world.prefix}*" in joined.text
    assert any("Dumi Test" in body for body in stack.outbox(alice.number))
    pending = run_action(ActionPendingApplications(), tracker_for(alice.number))
    assert "Dumi Test" in pending.text and read_link(link_in(pending.text).rsplit("/", 1)[1]).purpose == "approvals"
    again = run_action(ActionJoinStokvel(), tracker_for(dumi.number, f"code {code}", "join_stokvel",
                                                         entities=[("invite_code", code)]))
    assert "already applied" in again.text
    wrong = run_action(ActionJoinStokvel(), tracker_for(dumi.number, "my code is ZZ99ZZ", "join_stokvel"))
    assert "not valid" in wrong.text


def test_a_contribution_is_quoted_confirmed_and_really_paid(world, stack):
    alice = world.person("Alice", 100_000)
    world.create_stokvel(alice, start_date=START)
    name = f"Savers {world.prefix}"
    form = ValidateContributionForm()
    # One stokvel: filled without asking; a wrong amount is refused in plain words.
    first = run_action(form, tracker_for(alice.number, "pay R5OO", "make_contribution",
                                         set_now={"amount": "R5OO"}, active_loop="contribution_form"))
    assert first.slot("stokvel_name") == name and first.slot("amount") is None
    assert "could not read 'R5OO' as an amount" in first.text
    def quote_for(typed: str) -> dict:
        turn = run_action(form, tracker_for(alice.number, typed, slots={"stokvel_name": name},
                                            set_now={"amount": typed}, active_loop="contribution_form"))
        return turn.slot("contribution_quote")

    def submit(quote: dict, confirmed: bool):
        return run_action(ActionSubmitContribution(), tracker_for(alice.number, slots={
            "stokvel_name": name, "amount": "x", "contribution_quote": quote, "confirmed": confirmed}))

    quote = quote_for("R 300")
    summary = run_action(ActionAskContributionConfirmed(), tracker_for(
        alice.number, slots={"stokvel_name": name, "contribution_quote": quote}))
    assert "Pay R300.00 into" in summary.text and "debited R3" in summary.text
    assert stack.balance(world.stokvel_wallet) == 0  # nothing moved before the yes
    assert "No money moved" in submit(quote, False).text and stack.balance(world.stokvel_wallet) == 0
    paid = submit(quote, True)
    assert "Paid! R300.00" in paid.text and stack.balance(world.stokvel_wallet) == 30_000
    assert paid.slot("contribution_quote") is None and paid.slot("confirmed") is None
    # More than the allowance leaves beside the scheduled contribution and penalty (R500 a
    # month, R300 of it used): refused before anything moves.
    refused = run_action(form, tracker_for(alice.number, "R300", slots={"stokvel_name": name},
                                           set_now={"amount": "R300"}, active_loop="contribution_form"))
    assert refused.slot("amount") is None and "room for R200.00 more" in refused.text
    assert stack.balance(world.stokvel_wallet) == 30_000
    statement = run_action(ActionContributionHistory(), tracker_for(alice.number, "my contributions"))
    assert "Paid in: R300.00" in statement.text
    pot = run_action(ActionStokvelSummary(), tracker_for(alice.number, "pot"))
    assert "Pot: R300.00" in pot.text


def test_a_member_who_has_not_authorised_payments_is_told_before_any_money_moves(world):
    alice, bongi = world.person("Alice", 0), world.person("Bongi", 100_000)
    world.create_stokvel(alice, start_date=START)
    with session_scope() as session:
        application = applications.apply(session, bongi.number, stokvel_id=world.stokvel_id)
        applications.approve(session, application.id, alice.number)
    turn = run_action(ValidateContributionForm(), tracker_for(
        bongi.number, "R300", set_now={"amount": "R300"}, active_loop="contribution_form"))
    assert "not active yet" in turn.text or "not authorised" in turn.text
    assert turn.slot("confirmed") is False  # the form ends; the submit action moves nothing


def test_strangers_and_members_without_a_stokvel_end_forms_at_once(world):
    form = ValidatePayoutForm()
    turn = run_action(form, tracker_for(STRANGER, "payout", "request_payout", active_loop="payout_form"))
    assert turn.slot("requested_slot") is None
    told = run_action(ActionSubmitPayout(), tracker_for(STRANGER))
    assert "/l/" in told.text
    alice = world.person("Alice", 0)
    told = run_action(ActionSubmitPayout(), tracker_for(alice.number))
    assert "not in any stokvel" in told.text


def test_a_payout_request_goes_to_the_admins(world, stack):
    alice, bongi = world.person("Alice", 0), world.person("Bongi", 100_000)
    world.create_stokvel(alice, start_date=START)
    world.join(bongi)
    name = f"Savers {world.prefix}"
    turn = run_action(ValidatePayoutForm(), tracker_for(
        bongi.number, "R1 500", slots={"stokvel_name": name}, set_now={"amount": "1 500"}, active_loop="payout_form"))
    assert turn.slot("amount") == "R1 500.00"
    # The pot is empty: the domain core's limit is the answer, and nothing is recorded.
    refused = run_action(ActionSubmitPayout(), tracker_for(
        bongi.number, slots={"stokvel_name": name, "amount": "R1 500.00", "confirmed": True}))
    assert "at most R0.00" in refused.text
    with session_scope() as session:
        assert session.execute(select(ApprovalRequest)).first() is None


def test_leaving_shows_the_consequences_then_ends_the_membership(world, stack):
    alice, bongi = world.person("Alice", 0), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=START)
    world.join(bongi)
    name = f"Savers {world.prefix}"
    last_admin = run_action(ValidateLeaveForm(), tracker_for(
        alice.number, "leave", "leave_stokvel", active_loop="leave_form"))
    assert "only admin" in last_admin.text and last_admin.slot("confirmed") is False
    preview = run_action(ActionAskLeaveConfirmed(), tracker_for(bongi.number, slots={"stokvel_name": name}))
    assert "no more contributions will be collected" in preview.text and preview.buttons
    kept = run_action(ActionSubmitLeave(), tracker_for(bongi.number, slots={"stokvel_name": name, "confirmed": False}))
    assert "still a member" in kept.text
    left = run_action(ActionSubmitLeave(), tracker_for(bongi.number, slots={"stokvel_name": name, "confirmed": True}))
    assert f"You have left {name}" in left.text
    with session_scope() as session:
        bongi_id = members.get_by_number(session, bongi.number).id
        status = session.execute(select(Membership.status).where(Membership.member_id == bongi_id)).scalar_one()
    assert status == "left"
    assert any("has left" in body for body in stack.outbox(alice.number))


def test_human_handoff_tells_the_admins_who_and_what(world, stack):
    alice, bongi = world.person("Alice", 0), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=START)
    world.join(bongi)
    turn = run_action(ActionHumanHandoff(), tracker_for(bongi.number, "my payment is wrong, I want a person", "human_handoff"))
    assert "They'll contact you" in turn.text
    told = stack.outbox(alice.number)
    assert any("Bongi Test" in body and "my payment is wrong" in body for body in told)


def test_cancel_leaves_a_form_without_side_effects():
    turn = run_action(ActionCancel(), tracker_for(STRANGER, "cancel", "cancel", active_loop="contribution_form",
                                                  slots={"amount": "R500.00"}))
    assert any(e["event"] == "active_loop" and e["name"] is None for e in turn.events)
    assert turn.slot("amount") is None and turn.slot("contribution_quote") is None


def test_profile_field_from_the_request_and_value_checked_before_saving(world):
    alice = world.person("Alice", 0)
    form = ValidateProfileForm()
    turn = run_action(form, tracker_for(alice.number, "change my language", "update_profile", active_loop="profile_form"))
    assert turn.slot("profile_field") == "language"
    bad = run_action(form, tracker_for(alice.number, "klingon", slots={"profile_field": "language"},
                                       set_now={"profile_value": "klingon"}, active_loop="profile_form"))
    assert bad.slot("profile_value") is None and "don't know the language" in bad.text
    done = run_action(ActionSubmitProfile(), tracker_for(
        alice.number, slots={"profile_field": "language", "profile_value": "isiZulu"}))
    assert "language is now isiZulu" in done.text
    with session_scope() as session:
        assert members.get_by_number(session, alice.number).language == "zu"


def test_low_confidence_offers_the_top_guesses_as_numbered_buttons():
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "payout_schedule", "confidence": 0.4},
               {"name": "request_payout", "confidence": 0.35}, {"name": "faq", "confidence": 0.1},
               {"name": "view_interest", "confidence": 0.05}]
    turn = run_action(ActionDefaultAskAffirmation(), tracker_for(STRANGER, "wen my mali", ranking=ranking))
    assert "Did you mean" in turn.text
    assert [b["payload"] for b in turn.buttons] == ["/payout_schedule", "/request_payout", "/view_interest", "/deny"]
