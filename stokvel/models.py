"""The domain tables. The schema itself is created by migrations/versions/0001_domain.py.

Enumerations are plain strings guarded by CHECK constraints (portable to SQLite and
PostgreSQL); their allowed values are the tuples below. Amounts are integer minor units
with their asset code and scale. Times are UTC.

Balances, statements and the pot are never stored: they are derived from `ledger_entries`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from stokvel.db import Base
from stokvel.money import Money

STOKVEL_KINDS = ("rotating", "savings")
FREQUENCIES = ("weekly", "fortnightly", "monthly")
# Savings stokvels pay out on their own rhythm; "at_end" means once, on the end date.
PAYOUT_FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly", "at_end")
PAYOUT_ORDERS = ("join_order", "random_draw", "admin_set")
STOKVEL_STATUSES = ("active", "closed")
ROLES = ("member", "admin")
# awaiting_grant: approved, but has not yet authorised the recurring contribution.
MEMBERSHIP_STATUSES = ("awaiting_grant", "active", "left")
APPLICATION_VIA = ("invite", "listing")
APPLICATION_STATUSES = ("pending", "approved", "declined", "withdrawn")
GRANT_PURPOSES = ("contribution", "payout")
GRANT_STATUSES = ("pending", "active", "rejected", "revoked")
# Money into the stokvel's wallet: contribution, penalty, interest. Out: payout, refund.
LEDGER_KINDS = ("contribution", "penalty", "interest", "payout", "refund")
LEDGER_IN_KINDS = ("contribution", "penalty", "interest")
LEDGER_STATUSES = ("pending", "completed", "failed")
INTEREST_SOURCES = ("provider", "admin")
APPROVAL_KINDS = ("payout", "contribution_change")
APPROVAL_STATUSES = ("pending", "approved", "rejected")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class Member(Base):
    """A person, identified by their WhatsApp number (E.164). One account per number."""

    __tablename__ = "members"

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    name = Column(String(80), nullable=False)
    surname = Column(String(80), nullable=False)
    # Open Payments wallet address as a URL ("$wallet.example/alice" is stored as https://...).
    wallet_address = Column(String(255), nullable=False)
    language = Column(String(8), nullable=False, default="en")
    consent_at = Column(DateTime(timezone=True), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    memberships = relationship("Membership", back_populates="member")

    @property
    def full_name(self) -> str:
        return f"{self.name} {self.surname}"


class Stokvel(Base):
    """A savings club. Its rules live in versioned `Constitution` rows."""

    __tablename__ = "stokvels"
    __table_args__ = (_one_of("status", STOKVEL_STATUSES, "ck_stokvels_status"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(60), nullable=False)
    # Case- and space-insensitive form of the name: what makes names unique.
    name_key = Column(String(60), nullable=False, unique=True)
    # The stokvel's own Open Payments wallet (where contributions land).
    wallet_address = Column(String(255), nullable=True)
    # How many times the sweep retries a failed collection for one period.
    max_collection_retries = Column(Integer, nullable=False, default=3)
    # Listed stokvels accept applications by name; others only by invite code.
    listed = Column(Boolean, nullable=False, default=True)
    status = Column(String(10), nullable=False, default="active")
    created_by_id = Column(Integer, ForeignKey("members.id"), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    constitutions = relationship(
        "Constitution", back_populates="stokvel", order_by="Constitution.version"
    )
    memberships = relationship("Membership", back_populates="stokvel", order_by="Membership.id")


class Constitution(Base):
    """One version of a stokvel's rules, in force from `effective_from`."""

    __tablename__ = "constitutions"
    __table_args__ = (
        UniqueConstraint("stokvel_id", "version", name="uq_constitutions_version"),
        _one_of("kind", STOKVEL_KINDS, "ck_constitutions_kind"),
        _one_of("contribution_frequency", FREQUENCIES, "ck_constitutions_frequency"),
        _one_of("payout_order", PAYOUT_ORDERS, "ck_constitutions_payout_order"),
        CheckConstraint(
            "payout_frequency IS NULL OR payout_frequency IN "
            "(" + ", ".join(f"'{v}'" for v in PAYOUT_FREQUENCIES) + ")",
            name="ck_constitutions_payout_frequency",
        ),
        CheckConstraint("contribution_minor > 0", name="ck_constitutions_amount"),
        CheckConstraint("max_members >= 2", name="ck_constitutions_max_members"),
        CheckConstraint("late_penalty_minor >= 0", name="ck_constitutions_penalty"),
        CheckConstraint("grace_days >= 0", name="ck_constitutions_grace"),
    )

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False, index=True)
    version = Column(Integer, nullable=False)
    effective_from = Column(Date, nullable=False)
    kind = Column(String(10), nullable=False)
    contribution_minor = Column(BigInteger, nullable=False)
    currency = Column(String(8), nullable=False, default="ZAR")
    scale = Column(Integer, nullable=False, default=2)
    contribution_frequency = Column(String(12), nullable=False)
    # The schedule's anchor: periods fall on start_date + n * frequency.
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=True)
    payout_frequency = Column(String(12), nullable=True)
    max_members = Column(Integer, nullable=False)
    payout_order = Column(String(12), nullable=False, default="join_order")
    late_penalty_minor = Column(BigInteger, nullable=False, default=0)
    grace_days = Column(Integer, nullable=False, default=0)
    rules_text = Column(Text, nullable=False, default="")
    created_by_id = Column(Integer, ForeignKey("members.id"), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    stokvel = relationship("Stokvel", back_populates="constitutions")

    @property
    def contribution(self) -> Money:
        return Money(self.contribution_minor, self.currency, self.scale)

    @property
    def late_penalty(self) -> Money:
        return Money(self.late_penalty_minor, self.currency, self.scale)


class Membership(Base):
    """A member's place in a stokvel: role, status and turn in the payout rotation."""

    __tablename__ = "memberships"
    __table_args__ = (
        _one_of("role", ROLES, "ck_memberships_role"),
        _one_of("status", MEMBERSHIP_STATUSES, "ck_memberships_status"),
        Index("ix_memberships_stokvel_member", "stokvel_id", "member_id"),
    )

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False)
    member_id = Column(Integer, ForeignKey("members.id"), nullable=False, index=True)
    role = Column(String(10), nullable=False, default="member")
    status = Column(String(16), nullable=False, default="awaiting_grant")
    # Place in the payout rotation (1 = first); None until assigned.
    payout_position = Column(Integer, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    activated_at = Column(DateTime(timezone=True), nullable=True)
    left_at = Column(DateTime(timezone=True), nullable=True)

    stokvel = relationship("Stokvel", back_populates="memberships")
    member = relationship("Member", back_populates="memberships")


class InviteCode(Base):
    """A 6-character code that lets someone apply to a stokvel; revocable."""

    __tablename__ = "invite_codes"

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False, index=True)
    code = Column(String(6), nullable=False, unique=True)
    created_by_id = Column(Integer, ForeignKey("members.id"), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    revoked_at = Column(DateTime(timezone=True), nullable=True)

    stokvel = relationship("Stokvel")


class Application(Base):
    """A request to join a stokvel, decided by one of its admins."""

    __tablename__ = "applications"
    __table_args__ = (
        _one_of("via", APPLICATION_VIA, "ck_applications_via"),
        _one_of("status", APPLICATION_STATUSES, "ck_applications_status"),
    )

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False, index=True)
    member_id = Column(Integer, ForeignKey("members.id"), nullable=False, index=True)
    via = Column(String(10), nullable=False)
    invite_code_id = Column(Integer, ForeignKey("invite_codes.id"), nullable=True)
    status = Column(String(10), nullable=False, default="pending")
    decided_by_id = Column(Integer, ForeignKey("members.id"), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=True)
    decline_reason = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    stokvel = relationship("Stokvel")
    member = relationship("Member", foreign_keys=[member_id])


class PaymentGrant(Base):
    """An Open Payments (GNAP) grant: a member's recurring contribution allowance at their
    wallet (owner: a membership) or the stokvel's payout allowance (owner: the stokvel)."""

    __tablename__ = "payment_grants"
    __table_args__ = (
        _one_of("purpose", GRANT_PURPOSES, "ck_payment_grants_purpose"),
        _one_of("status", GRANT_STATUSES, "ck_payment_grants_status"),
        CheckConstraint(
            "(purpose = 'contribution' AND membership_id IS NOT NULL) OR "
            "(purpose = 'payout' AND membership_id IS NULL)",
            name="ck_payment_grants_owner",
        ),
    )

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False, index=True)
    membership_id = Column(Integer, ForeignKey("memberships.id"), nullable=True, index=True)
    purpose = Column(String(12), nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    # The wallet the grant debits, and its authorization server.
    wallet_address = Column(String(255), nullable=False)
    auth_server = Column(String(255), nullable=True)
    # GNAP interaction: our nonce, the server's finish nonce, where the member approves.
    client_nonce = Column(String(64), nullable=False)
    interact_nonce = Column(String(255), nullable=True)
    interact_redirect = Column(Text, nullable=True)
    continue_uri = Column(Text, nullable=True)
    continue_token = Column(Text, nullable=True)
    # Once granted: the token that authorises outgoing payments, and where to manage it.
    access_token = Column(Text, nullable=True)
    manage_url = Column(Text, nullable=True)
    limit_debit_minor = Column(BigInteger, nullable=True)
    limit_currency = Column(String(8), nullable=True)
    limit_scale = Column(Integer, nullable=True)
    # ISO 8601 repeating interval, e.g. "R/2026-01-31T00:00:00Z/P1M".
    interval = Column(String(64), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
    activated_at = Column(DateTime(timezone=True), nullable=True)

    stokvel = relationship("Stokvel")
    membership = relationship("Membership")


class InterestEarning(Base):
    """Interest a stokvel's wallet earned over a period; allocated to members as
    `interest` ledger entries that sum exactly to `amount_minor`."""

    __tablename__ = "interest_earnings"
    __table_args__ = (
        _one_of("source", INTEREST_SOURCES, "ck_interest_earnings_source"),
        CheckConstraint("amount_minor > 0", name="ck_interest_earnings_amount"),
    )

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False, index=True)
    amount_minor = Column(BigInteger, nullable=False)
    currency = Column(String(8), nullable=False, default="ZAR")
    scale = Column(Integer, nullable=False, default=2)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    source = Column(String(10), nullable=False)
    recorded_by_id = Column(Integer, ForeignKey("members.id"), nullable=True)
    provider_reference = Column(String(255), nullable=True)
    idempotency_key = Column(String(200), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency, self.scale)


class LedgerEntry(Base):
    """One movement of money for a stokvel, keyed by an idempotency key, with the status
    the payment provider confirmed. The sum of a stokvel's completed entries (in minus out)
    is what its wallet should hold."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        _one_of("kind", LEDGER_KINDS, "ck_ledger_entries_kind"),
        _one_of("status", LEDGER_STATUSES, "ck_ledger_entries_status"),
        CheckConstraint("amount_minor > 0", name="ck_ledger_entries_amount"),
        Index("ix_ledger_entries_stokvel_status", "stokvel_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    idempotency_key = Column(String(200), nullable=False, unique=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False)
    member_id = Column(Integer, ForeignKey("members.id"), nullable=True, index=True)
    kind = Column(String(12), nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    # Always positive; the kind says whether it goes into or out of the stokvel's wallet.
    amount_minor = Column(BigInteger, nullable=False)
    currency = Column(String(8), nullable=False, default="ZAR")
    scale = Column(Integer, nullable=False, default=2)
    # The schedule period (its due date) a contribution, penalty or payout belongs to.
    period = Column(Date, nullable=True)
    interest_earning_id = Column(Integer, ForeignKey("interest_earnings.id"), nullable=True)
    approval_id = Column(Integer, ForeignKey("approval_requests.id"), nullable=True)
    # What the provider told us: its resource URLs / ids.
    incoming_payment_url = Column(Text, nullable=True)
    quote_url = Column(Text, nullable=True)
    outgoing_payment_url = Column(Text, nullable=True)
    failure_reason = Column(Text, nullable=True)
    attempts = Column(Integer, nullable=False, default=1)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)
    completed_at = Column(DateTime(timezone=True), nullable=True)

    member = relationship("Member")

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency, self.scale)

    @property
    def signed_minor(self) -> int:
        """+amount for money into the stokvel's wallet, -amount for money out."""
        return self.amount_minor if self.kind in LEDGER_IN_KINDS else -self.amount_minor


class ApprovalRequest(Base):
    """Something that needs an admin's approval (treasurer-style): a payout request or a
    change of contribution amount. With two or more admins, the approver must not be
    the requester."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        _one_of("kind", APPROVAL_KINDS, "ck_approval_requests_kind"),
        _one_of("status", APPROVAL_STATUSES, "ck_approval_requests_status"),
    )

    id = Column(Integer, primary_key=True)
    stokvel_id = Column(Integer, ForeignKey("stokvels.id"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    requested_by_id = Column(Integer, ForeignKey("members.id"), nullable=False)
    # Payout: the amount and the member paid. Contribution change: the changes (JSON).
    amount_minor = Column(BigInteger, nullable=True)
    payload = Column(Text, nullable=False, default="{}")
    status = Column(String(10), nullable=False, default="pending")
    decided_by_id = Column(Integer, ForeignKey("members.id"), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=True)
    reason = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
