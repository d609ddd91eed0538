"""Members, stokvels, roles, invites, applications and grants: each rule in the domain core."""

from datetime import date

import pytest
from sqlalchemy import func, select

from stokvel.errors import (AlreadyExists, InvalidInput, InvalidState, LastAdmin, NotAdmin, NotFound,
                            NotMember, StokvelFull)
from stokvel.models import Application, Member, Stokvel
from stokvel.services import applications, grants, invites, members, roles, stokvels
from tests.core.conftest import ALICE, BONGI, CARO, DUMI, join, register, rules


def count(session, model):
    return session.execute(select(func.count()).select_from(model)).scalar_one()


# --- members ---------------------------------------------------------------------------------

def test_register_normalises_number_wallet_and_language(session):
    member = members.register(session, number="082 123 4567", name=" Alice ", surname="Mokoena",
                              wallet_address="$wallet.example/alice", language="isiZulu", consent=True)
    assert (member.number, member.name, member.wallet_address, member.language) == (
        "+27821234567", "Alice", "https://wallet.example/alice", "zu")
    assert member.consent_at is not None
    assert members.get_by_number(session, "whatsapp:+27821234567").id == member.id


def test_one_account_per_number_whatever_its_form(session):
    register(session, "0821234567", "Alice")
    with pytest.raises(AlreadyExists):
        register(session, "+27 82 123 4567", "Again")
    assert count(session, Member) == 1


@pytest.mark.parametrize("field, value, says", [
    ("consent", False, "agree to the terms"), ("wallet_address", "not a wallet!", "not a wallet address"),
    ("language", "Klingon", "don't know the language"), ("name", "  ", "give your name"),
    ("number", "12", "phone number"),
])
def test_bad_registration_changes_nothing(session, field, value, says):
    data = dict(number=ALICE, name="Alice", surname="M", wallet_address="$w.example/a", language="en",
                consent=True)
    data[field] = value
    with pytest.raises(Exception) as error:
        members.register(session, **data)
    assert says in error.value.message
    assert count(session, Member) == 0


def test_unregistered_member_is_told_to_register(session):
    with pytest.raises(NotFound, match="register"):
        members.get_by_number(session, ALICE)


def test_update_profile_validates_everything_first(people):
    with pytest.raises(InvalidInput):
        members.update_profile(people, ALICE, name="Alicia", language="nope")
    assert members.get_by_number(people, ALICE).name == "Alice"
    members.update_profile(people, ALICE, name="Alicia", wallet_address="https://w.example/alicia")
    assert members.get_by_number(people, ALICE).wallet_address == "https://w.example/alicia"


# --- stokvels ----------------------------------------------------------------------------------

def test_creator_is_first_admin_awaiting_grant(people):
    stokvel = stokvels.create(people, ALICE, rules())
    [membership] = stokvel.memberships
    assert (membership.role, membership.status) == ("admin", "awaiting_grant")
    assert stokvel.wallet_address == "https://wallet.example/mamelodi"
    [version] = stokvel.constitutions
    assert (version.version, version.contribution_minor, version.late_penalty_minor,
            version.effective_from) == (1, 50000, 5000, date(2026, 1, 31))


def test_names_are_unique_ignoring_case_and_spacing(people):
    stokvels.create(people, ALICE, rules(name="Mamelodi Savers"))
    with pytest.raises(AlreadyExists, match="already a stokvel"):
        stokvels.create(people, BONGI, rules(name="  mamelodi   SAVERS "))
    assert stokvels.get_by_name(people, "MAMELODI savers").name == "Mamelodi Savers"
    assert count(people, Stokvel) == 1


@pytest.mark.parametrize("overrides, says", [
    (dict(contribution="R0"), "more than zero"),
    (dict(contribution="-R5"), "more than zero"),
    (dict(contribution_frequency="daily"), "not a valid contribution frequency"),
    (dict(kind="lottery"), "not a valid type"),
    (dict(end_date=date(2026, 1, 1)), "end date must be after"),
    (dict(max_members=1), "between 2 and"),
    (dict(grace_days=40), "Grace days"),
    (dict(kind="savings"), "payout frequency or an end date"),
    (dict(kind="savings", payout_frequency="at_end"), "needs an end date"),
    (dict(start_date="31/01/2026"), "not a date"),
    (dict(name=""), "give the stokvel a name"),
    (dict(max_collection_retries=99), "retries"),
])
def test_bad_constitution_is_refused_with_a_reason(people, overrides, says):
    with pytest.raises(InvalidInput) as error:
        stokvels.create(people, ALICE, rules(**overrides))
    assert says in error.value.message
    assert count(people, Stokvel) == 0


def test_aliases_members_use_are_understood(people):
    stokvel = stokvels.create(people, ALICE, rules(contribution_frequency="every two weeks",
                                                   payout_order="random", kind="Rotation"))
    version = stokvel.constitutions[0]
    assert (version.contribution_frequency, version.payout_order, version.kind) == (
        "fortnightly", "random_draw", "rotating")


# --- roles -------------------------------------------------------------------------------------

def test_only_admins_make_admins_and_last_admin_cannot_step_down(session, rotating):
    with pytest.raises(NotAdmin):
        roles.make_admin(session, rotating.id, BONGI, CARO)
    with pytest.raises(LastAdmin):
        roles.step_down(session, rotating.id, ALICE)
    roles.make_admin(session, rotating.id, ALICE, BONGI)
    assert len(roles.admins(session, rotating.id)) == 2
    roles.step_down(session, rotating.id, ALICE)
    assert [m.member.number for m in roles.admins(session, rotating.id)] == [BONGI]



# --- invites and applications --------------------------------------------------------------------

def test_invite_codes_are_six_unambiguous_characters(session, rotating):
    codes = {invites.create_code(session, rotating.id, ALICE).code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 6 and set(c) <= set(invites.ALPHABET) for c in codes)
    assert not set("0O1IL") & set(invites.ALPHABET)


def test_only_admins_create_or_revoke_codes(session, rotating):
    with pytest.raises(NotAdmin):
        invites.create_code(session, rotating.id, BONGI)
    code = invites.create_code(session, rotating.id, ALICE).code
    with pytest.raises(NotAdmin):
        invites.revoke(session, code, BONGI)


def test_join_by_invite_code_then_grant(session, rotating):
    code = invites.create_code(session, rotating.id, ALICE).code
    application = applications.apply(session, DUMI, invite_code=code.lower()[:3] + "-" + code.lower()[3:])
    assert application.via == "invite"
    assert [a.member.number for a in applications.pending(session, rotating.id, ALICE)] == [DUMI]
    membership = applications.approve(session, application.id, ALICE)
    assert membership.status == "awaiting_grant"
    grant = grants.start(session, stokvel_id=rotating.id, purpose="contribution",
                         membership_id=membership.id, wallet_address="$wallet.example/dumi")
    grants.record_interaction(session, grant.id, interact_redirect="https://auth.example/i/1",
                              interact_nonce="n1", continue_uri="https://auth.example/c/1",
                              continue_token="ct")
    grants.activate(session, grant.id, access_token="at", manage_url="https://auth.example/t/1",
                    today=date(2026, 1, 10))
    assert membership.status == "active" and membership.payout_position == 4
    assert grants.active_contribution_grant(session, membership.id).id == grant.id
    # Activating twice (a duplicate callback) changes nothing.
    grants.activate(session, grant.id, access_token="other", manage_url=None)
    assert grant.access_token == "at"


def test_revoked_code_is_refused(session, rotating):
    code = invites.create_code(session, rotating.id, ALICE).code
    invites.revoke(session, code, ALICE)
    with pytest.raises(NotFound, match="not valid"):
        applications.apply(session, DUMI, invite_code=code)


def test_unlisted_stokvel_needs_an_invite(people):
    stokvel = stokvels.create(people, ALICE, rules(listed=False))
    with pytest.raises(InvalidInput, match="invite code"):
        applications.apply(people, BONGI, stokvel_id=stokvel.id)


def test_duplicate_application_and_existing_member_are_refused(session, rotating):
    sid = rotating.id
    applications.apply(session, DUMI, stokvel_id=sid)
    with pytest.raises(AlreadyExists, match="already applied"):
        applications.apply(session, DUMI, stokvel_id=sid)
    with pytest.raises(AlreadyExists, match="already a member"):
        applications.apply(session, BONGI, stokvel_id=sid)
    assert count(session, Application) == 3  # Bongi's, Caro's and Dumi's one


def test_full_stokvel_refuses_applications_and_approvals(session, rotating):
    sid = rotating.id
    register(session, "+27611234567", "Eve")
    first = applications.apply(session, DUMI, stokvel_id=sid)
    second = applications.apply(session, "+27611234567", stokvel_id=sid)
    applications.approve(session, first.id, ALICE)  # the 4th and last place
    with pytest.raises(StokvelFull, match="full"):
        applications.approve(session, second.id, ALICE)
    register(session, "+27621234567", "Fikile")
    with pytest.raises(StokvelFull, match="maximum of 4"):
        applications.apply(session, "+27621234567", stokvel_id=sid)


def test_only_admins_decide_and_only_once(session, rotating):
    application = applications.apply(session, DUMI, stokvel_id=rotating.id)
    with pytest.raises(NotAdmin):
        applications.approve(session, application.id, BONGI)
    applications.decline(session, application.id, ALICE, reason="We are full for now")
    with pytest.raises(InvalidState, match="already declined"):
        applications.approve(session, application.id, ALICE)
    assert roles.current_membership(session, rotating.id,
                                    members.get_by_number(session, DUMI).id) is None


def test_rejected_grant_leaves_membership_waiting(session, rotating):
    application = applications.apply(session, DUMI, stokvel_id=rotating.id)
    membership = applications.approve(session, application.id, ALICE)
    grant = grants.start(session, stokvel_id=membership.stokvel_id, purpose="contribution",
                         membership_id=membership.id, wallet_address="$wallet.example/dumi")
    grants.reject(session, grant.id)
    assert membership.status == "awaiting_grant"
    with pytest.raises(InvalidState):
        grants.activate(session, grant.id, access_token="x", manage_url=None)
    with pytest.raises(NotMember, match="not active yet"):
        roles.require_member(session, membership.stokvel_id, DUMI, active=True)


def test_contribution_grant_terms_follow_the_constitution(session, rotating):
    membership = join(session, rotating.id, DUMI, today=date(2026, 2, 10))
    limit, interval = grants.contribution_terms(session, membership.id, today=date(2026, 2, 10))
    assert limit.minor == 105000  # contribution + late penalty + room for one extra contribution
    assert interval == "R/2026-02-28T00:00:00Z/P1M"


def test_admin_lists_live_codes_and_applicant_can_withdraw(session, rotating):
    kept = invites.create_code(session, rotating.id, ALICE).code
    cancelled = invites.create_code(session, rotating.id, ALICE).code
    invites.revoke(session, cancelled, ALICE)
    assert [c.code for c in invites.active_codes(session, rotating.id, ALICE)] == [kept]
    application = applications.apply(session, DUMI, invite_code=kept)
    with pytest.raises(NotFound):
        applications.withdraw(session, application.id, BONGI)  # not theirs
    assert applications.withdraw(session, application.id, DUMI).status == "withdrawn"
    assert applications.pending(session, rotating.id, ALICE) == []
