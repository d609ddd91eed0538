"""Payment grants (Open Payments / GNAP), as stored by us.

A membership's contribution grant is the member's recurring allowance at their own
wallet; the stokvel's payout grant lets the platform pay out of the stokvel's wallet.
The payments client talks to the provider; this module keeps the state: start (pending,
with our client nonce), the interaction details, then activate / reject / revoke.
Activating a membership's contribution grant makes the membership active.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidInput, InvalidState, NotFound
from stokvel.models import Constitution, Membership, PaymentGrant, utcnow
from stokvel.money import Money
from stokvel.payments.intervals import repeating_interval
from stokvel.payments.wallet import wallet_address_url
from stokvel.services import clock, constitution, rotation, schedules

_ISO_PERIOD = {"weekly": "P1W", "fortnightly": "P2W", "monthly": "P1M"}


def get(session: Session, grant_id: int) -> PaymentGrant:
    grant = session.get(PaymentGrant, grant_id)
    if grant is None:
        raise NotFound("I could not find that payment authorisation.")
    return grant


# Contributions a member makes of their own accord (in the chat) are paid under the same
# allowance as the scheduled ones: it leaves room for this many more each period.
EXTRA_CONTRIBUTIONS_PER_PERIOD = 1
_PERIODS_PER_YEAR = {"weekly": 52, "fortnightly": 26, "monthly": 12}


def contribution_allowance(rules: Constitution) -> Money:
    """One member's allowance per contribution period: the contribution, any late penalty,
    and room for extra contributions."""
    return rules.contribution * (1 + EXTRA_CONTRIBUTIONS_PER_PERIOD) + rules.late_penalty


def extra_contribution_room(session: Session, grant: PaymentGrant) -> Money:
    """What a contribution grant's allowance leaves per period beside the scheduled
    contribution and late penalty, which it must always cover (0 for older grants)."""
    rules = constitution.current(session, grant.stokvel_id, clock.today())
    limit = Money(grant.limit_debit_minor or 0, grant.limit_currency or rules.currency,
                  grant.limit_scale if grant.limit_scale is not None else rules.scale)
    return limit - rules.contribution - rules.late_penalty


def payout_terms(session: Session, stokvel_id: int) -> tuple[Money, str]:
    """The allowance to ask for at the stokvel's wallet for payouts: a year of full pots
    (every member's whole allowance, every period), so that payouts catching up a missed
    period, or a savings stokvel's yearly share-out, still fit."""
    rules = constitution.current(session, stokvel_id, clock.today())
    per_year = contribution_allowance(rules) * rules.max_members * _PERIODS_PER_YEAR[rules.contribution_frequency]
    start = datetime.combine(rules.start_date, time.min, tzinfo=timezone.utc)
    return per_year, repeating_interval(start, "P1Y")


def contribution_terms(session: Session, membership_id: int, today: date | None = None) -> tuple[Money, str]:
    """The allowance to ask the member for (`contribution_allowance`), every contribution
    period, starting with the first period they will pay."""
    membership = session.get(Membership, membership_id)
    if membership is None:
        raise NotFound("I could not find that membership.")
    today = today or clock.today()
    rules = constitution.current(session, membership.stokvel_id, today)
    first = rules.start_date if today <= rules.start_date else schedules.next_period_after(rules, today)
    start = datetime.combine(first, time.min, tzinfo=timezone.utc)
    return contribution_allowance(rules), repeating_interval(start, _ISO_PERIOD[rules.contribution_frequency])


def start(session: Session, *, stokvel_id: int, purpose: str, wallet_address: str,
          membership_id: int | None = None, limit: Money | None = None, interval: str | None = None,
          auth_server: str | None = None, client_nonce: str | None = None) -> PaymentGrant:
    """Record a grant request about to be sent to the provider (pending)."""
    if purpose == "contribution":
        membership = session.get(Membership, membership_id) if membership_id else None
        if membership is None or membership.stokvel_id != stokvel_id or membership.status == "left":
            raise InvalidInput("A contribution authorisation needs a current membership of this stokvel.")
    elif purpose != "payout" or membership_id is not None:
        raise InvalidInput("A grant is either a member's contribution or the stokvel's payout grant.")
    grant = PaymentGrant(
        stokvel_id=stokvel_id, membership_id=membership_id, purpose=purpose, status="pending",
        wallet_address=wallet_address_url(wallet_address), auth_server=auth_server,
        client_nonce=client_nonce or secrets.token_urlsafe(24),
        limit_debit_minor=limit.minor if limit else None, limit_currency=limit.currency if limit else None,
        limit_scale=limit.scale if limit else None, interval=interval,
    )
    session.add(grant)
    session.flush()
    return grant


def record_interaction(session: Session, grant_id: int, *, interact_redirect: str | None,
                       interact_nonce: str | None, continue_uri: str, continue_token: str) -> PaymentGrant:
    """What the provider answered to the grant request: where the member approves, the
    finish nonce (for verifying the finish hash) and how to continue the grant."""
    grant = _pending(session, grant_id)
    grant.interact_redirect = interact_redirect
    grant.interact_nonce = interact_nonce
    grant.continue_uri = continue_uri
    grant.continue_token = continue_token
    session.flush()
    return grant


def _pending(session: Session, grant_id: int) -> PaymentGrant:
    grant = get(session, grant_id)
    if grant.status != "pending":
        raise InvalidState(f"That payment authorisation is already {grant.status}.")
    return grant


def activate(session: Session, grant_id: int, *, access_token: str, manage_url: str | None,
             continue_uri: str | None = None, continue_token: str | None = None,
             today: date | None = None) -> PaymentGrant:
    """The provider issued the access token. Idempotent for an already active grant.
    For a contribution grant the membership becomes active (and gets its payout place);
    a grant it replaces is marked revoked."""
    grant = get(session, grant_id)
    if grant.status == "active":
        return grant
    grant = _pending(session, grant_id)
    grant.status = "active"
    grant.access_token = access_token
    grant.manage_url = manage_url
    grant.continue_uri = continue_uri or grant.continue_uri
    grant.continue_token = continue_token or grant.continue_token
    grant.activated_at = utcnow()
    for older in _active(session, grant.stokvel_id, grant.purpose, grant.membership_id):
        if older.id != grant.id:
            older.status = "revoked"
    if grant.purpose == "contribution":
        membership = session.get(Membership, grant.membership_id)
        if membership.status == "awaiting_grant":
            membership.status = "active"
            membership.activated_at = utcnow()
            rotation.place_new_member(session, membership, today or clock.today())
    session.flush()
    return grant


def reject(session: Session, grant_id: int) -> PaymentGrant:
    """The member (or provider) refused; the membership keeps waiting for a grant."""
    grant = _pending(session, grant_id)
    grant.status = "rejected"
    session.flush()
    return grant


def revoke(session: Session, grant_id: int) -> PaymentGrant:
    grant = get(session, grant_id)
    if grant.status in ("active", "pending"):
        grant.status = "revoked"
        session.flush()
    return grant


def _active(session: Session, stokvel_id: int, purpose: str, membership_id: int | None) -> list[PaymentGrant]:
    query = select(PaymentGrant).where(PaymentGrant.stokvel_id == stokvel_id, PaymentGrant.purpose == purpose,
                                       PaymentGrant.status == "active")
    if membership_id is not None:
        query = query.where(PaymentGrant.membership_id == membership_id)
    return list(session.execute(query.order_by(PaymentGrant.id)).scalars())


def active_contribution_grant(session: Session, membership_id: int) -> PaymentGrant | None:
    membership = session.get(Membership, membership_id)
    if membership is None:
        return None
    found = _active(session, membership.stokvel_id, "contribution", membership_id)
    return found[-1] if found else None


def active_payout_grant(session: Session, stokvel_id: int) -> PaymentGrant | None:
    found = _active(session, stokvel_id, "payout", None)
    return found[-1] if found else None
