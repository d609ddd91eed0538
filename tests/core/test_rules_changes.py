"""Constitution versions, treasurer-style approvals and leaving."""

from datetime import date

import pytest

from stokvel.errors import ApprovalConflict, InvalidInput, LastAdmin, NotAdmin, NotMember
from stokvel.models import Membership
from stokvel.money import Money
from stokvel.services import approvals, constitution, ledger, memberships, members, roles, schedules
from tests.core.conftest import ALICE, BONGI, CARO


def test_a_change_is_a_new_version_from_the_next_period_and_members_are_told(session, rotating):
    outcome = constitution.propose_change(session, rotating.id, ALICE, {"contribution": "R600",
                                                                         "grace_days": 5},
                                          today=date(2026, 2, 10))
    new = outcome.version
    assert (new.version, new.effective_from, new.contribution_minor, new.grace_days) == (
        2, date(2026, 2, 28), 60000, 5)
    assert {n.number for n in outcome.notices} == {ALICE, BONGI, CARO}
    assert "contribution is now R600.00" in outcome.notices[0].text
    assert constitution.current(session, rotating.id, date(2026, 2, 27)).version == 1
    assert constitution.current(session, rotating.id, date(2026, 2, 28)).version == 2
    due = {d.period: d.amount for d in schedules.due_contributions(session, date(2026, 2, 28))
           if d.number == BONGI}
    assert due == {date(2026, 1, 31): Money(50000), date(2026, 2, 28): Money(60000)}


def test_only_admins_change_rules_and_bad_changes_change_nothing(session, rotating):
    with pytest.raises(NotAdmin):
        constitution.propose_change(session, rotating.id, BONGI, {"contribution": "R600"})
    with pytest.raises(InvalidInput, match="cannot change"):
        constitution.propose_change(session, rotating.id, ALICE, {"kind": "savings"})
    with pytest.raises(InvalidInput, match="cannot be lower"):
        constitution.propose_change(session, rotating.id, ALICE, {"max_members": 2})
    with pytest.raises(InvalidInput, match="Nothing to change"):
        constitution.propose_change(session, rotating.id, ALICE, {"contribution": "R500"})
    assert len(constitution.versions(session, rotating.id)) == 1


def test_contribution_change_needs_another_admin_when_there_are_two(session, rotating):
    roles.make_admin(session, rotating.id, ALICE, BONGI)
    outcome = constitution.propose_change(session, rotating.id, ALICE, {"contribution": "R750"},
                                          today=date(2026, 2, 10))
    assert outcome.version is None and outcome.approval.status == "pending"
    assert [n.number for n in outcome.notices] == [BONGI]
    assert len(constitution.versions(session, rotating.id)) == 1
    with pytest.raises(ApprovalConflict, match="Another admin"):
        approvals.approve(session, outcome.approval.id, ALICE)
    with pytest.raises(NotAdmin):
        approvals.approve(session, outcome.approval.id, CARO)
    decision = approvals.approve(session, outcome.approval.id, BONGI, today=date(2026, 2, 10))
    assert decision.change.version.contribution_minor == 75000
    assert decision.change.version.effective_from == date(2026, 2, 28)


def test_payout_request_needs_approval_by_another_admin(session, rotating):
    key = "seed"
    ledger.begin(session, key, "contribution", stokvel_id=rotating.id, amount=Money(100000),
                 member_id=members.get_by_number(session, CARO).id)
    ledger.complete(session, key)
    with pytest.raises(InvalidInput, match="at most R1 000.00"):
        approvals.request_payout(session, rotating.id, CARO, "R2000")
    request = approvals.request_payout(session, rotating.id, CARO, "R400").request
    assert request.status == "pending"
    assert [r.id for r in approvals.pending(session, rotating.id, ALICE)] == [request.id]
    with pytest.raises(NotAdmin):
        approvals.pending(session, rotating.id, CARO)
    refused = approvals.request_payout(session, rotating.id, CARO, "R100").request
    approvals.reject(session, refused.id, ALICE, reason="Not this month")
    assert (refused.status, refused.reason) == ("rejected", "Not this month")
    assert [d.reason for d in schedules.due_payouts(session, date(2026, 1, 15))] == []
    approvals.approve(session, request.id, ALICE)
    [due] = schedules.due_payouts(session, date(2026, 1, 15))
    assert (due.number, due.amount, due.reason) == (CARO, Money(40000), "request")


def test_lone_admins_own_request_is_approved_at_once_but_not_with_two_admins(session, rotating):
    ledger.begin(session, "seed", "contribution", stokvel_id=rotating.id, amount=Money(100000))
    ledger.complete(session, "seed")
    assert approvals.request_payout(session, rotating.id, ALICE, "R100").request.status == "approved"
    roles.make_admin(session, rotating.id, ALICE, BONGI)
    request = approvals.request_payout(session, rotating.id, ALICE, "R100").request
    assert request.status == "pending"
    with pytest.raises(ApprovalConflict):
        approvals.approve(session, request.id, ALICE)


def test_leave_preview_then_leave(session, rotating):
    caro = members.get_by_number(session, CARO)
    ledger.begin(session, "c1", "contribution", stokvel_id=rotating.id, amount=Money(50000), member_id=caro.id)
    ledger.complete(session, "c1")
    preview = memberships.leave_preview(session, rotating.id, CARO)
    assert preview.owed_to_member == Money(50000) and "get back R500.00" in preview.message
    assert roles.require_member(session, rotating.id, CARO)  # the preview changed nothing
    result = memberships.leave(session, rotating.id, CARO)
    assert [g.status for g in result.grants_to_revoke] == ["revoked"]
    assert [n.number for n in result.notices] == [ALICE]
    with pytest.raises(NotMember):
        roles.require_member(session, rotating.id, CARO)
    assert not [d for d in schedules.due_contributions(session, date(2026, 3, 31)) if d.number == CARO]
    [refund] = [d for d in schedules.due_payouts(session, date(2026, 1, 1)) if d.kind == "refund"]
    assert (refund.number, refund.amount) == (CARO, Money(50000))


def test_member_who_was_paid_more_than_they_paid_in_is_told_what_they_owe(session, rotating):
    bongi = members.get_by_number(session, BONGI)
    ledger.begin(session, "in", "contribution", stokvel_id=rotating.id, amount=Money(150000))
    ledger.complete(session, "in")
    ledger.begin(session, "out", "payout", stokvel_id=rotating.id, amount=Money(150000), member_id=bongi.id)
    ledger.complete(session, "out")
    preview = memberships.leave_preview(session, rotating.id, BONGI)
    assert preview.member_owes == Money(150000) and "owe the stokvel R1 500.00" in preview.message


def test_last_admin_cannot_leave(session, rotating):
    with pytest.raises(LastAdmin, match="only admin"):
        memberships.leave_preview(session, rotating.id, ALICE)
    roles.make_admin(session, rotating.id, ALICE, BONGI)
    memberships.leave(session, rotating.id, ALICE)
    assert session.get(Membership, rotating.memberships[0].id).status == "left"
