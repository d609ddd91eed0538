"""The domain core: members, stokvels and their versioned constitutions, memberships,
invite codes, applications, payment grants, approvals, interest and the ledger.

Enumerations are strings with CHECK constraints, so the same migration runs on SQLite
and PostgreSQL. Keep in step with stokvel/models.py.

Revision ID: 0001_domain
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_domain"
down_revision = None
branch_labels = None
depends_on = None


def _one_of(column, values, name):
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=name)


def _timestamp(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("surname", sa.String(80), nullable=False),
        sa.Column("wallet_address", sa.String(255), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        _timestamp("consent_at"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    )
    op.create_table(
        "stokvels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("name_key", sa.String(60), nullable=False, unique=True),
        sa.Column("wallet_address", sa.String(255), nullable=True),
        sa.Column("max_collection_retries", sa.Integer, nullable=False),
        sa.Column("listed", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        _timestamp("created_at"),
        _one_of("status", ("active", "closed"), "ck_stokvels_status"),
    )
    op.create_table(
        "constitutions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("contribution_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("scale", sa.Integer, nullable=False),
        sa.Column("contribution_frequency", sa.String(12), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("payout_frequency", sa.String(12), nullable=True),
        sa.Column("max_members", sa.Integer, nullable=False),
        sa.Column("payout_order", sa.String(12), nullable=False),
        sa.Column("late_penalty_minor", sa.BigInteger, nullable=False),
        sa.Column("grace_days", sa.Integer, nullable=False),
        sa.Column("rules_text", sa.Text, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        _timestamp("created_at"),
        sa.UniqueConstraint("stokvel_id", "version", name="uq_constitutions_version"),
        _one_of("kind", ("rotating", "savings"), "ck_constitutions_kind"),
        _one_of(
            "contribution_frequency", ("weekly", "fortnightly", "monthly"), "ck_constitutions_frequency"
        ),
        _one_of("payout_order", ("join_order", "random_draw", "admin_set"), "ck_constitutions_payout_order"),
        sa.CheckConstraint(
            "payout_frequency IS NULL OR payout_frequency IN "
            "('monthly', 'quarterly', 'half_yearly', 'yearly', 'at_end')",
            name="ck_constitutions_payout_frequency",
        ),
        sa.CheckConstraint("contribution_minor > 0", name="ck_constitutions_amount"),
        sa.CheckConstraint("max_members >= 2", name="ck_constitutions_max_members"),
        sa.CheckConstraint("late_penalty_minor >= 0", name="ck_constitutions_penalty"),
        sa.CheckConstraint("grace_days >= 0", name="ck_constitutions_grace"),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False, index=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payout_position", sa.Integer, nullable=True),
        _timestamp("created_at"),
        _timestamp("activated_at", nullable=True),
        _timestamp("left_at", nullable=True),
        _one_of("role", ("member", "admin"), "ck_memberships_role"),
        _one_of("status", ("awaiting_grant", "active", "left"), "ck_memberships_status"),
    )
    op.create_index("ix_memberships_stokvel_member", "memberships", ["stokvel_id", "member_id"])
    op.create_table(
        "invite_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False, index=True),
        sa.Column("code", sa.String(6), nullable=False, unique=True),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        _timestamp("created_at"),
        _timestamp("revoked_at", nullable=True),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False, index=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False, index=True),
        sa.Column("via", sa.String(10), nullable=False),
        sa.Column("invite_code_id", sa.Integer, sa.ForeignKey("invite_codes.id"), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True),
        _timestamp("decided_at", nullable=True),
        sa.Column("decline_reason", sa.Text, nullable=True),
        _timestamp("created_at"),
        _one_of("via", ("invite", "listing"), "ck_applications_via"),
        _one_of("status", ("pending", "approved", "declined", "withdrawn"), "ck_applications_status"),
    )
    op.create_table(
        "payment_grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False, index=True),
        sa.Column("membership_id", sa.Integer, sa.ForeignKey("memberships.id"), nullable=True, index=True),
        sa.Column("purpose", sa.String(12), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("wallet_address", sa.String(255), nullable=False),
        sa.Column("auth_server", sa.String(255), nullable=True),
        sa.Column("client_nonce", sa.String(64), nullable=False),
        sa.Column("interact_nonce", sa.String(255), nullable=True),
        sa.Column("interact_redirect", sa.Text, nullable=True),
        sa.Column("continue_uri", sa.Text, nullable=True),
        sa.Column("continue_token", sa.Text, nullable=True),
        sa.Column("access_token", sa.Text, nullable=True),
        sa.Column("manage_url", sa.Text, nullable=True),
        sa.Column("limit_debit_minor", sa.BigInteger, nullable=True),
        sa.Column("limit_currency", sa.String(8), nullable=True),
        sa.Column("limit_scale", sa.Integer, nullable=True),
        sa.Column("interval", sa.String(64), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("activated_at", nullable=True),
        _one_of("purpose", ("contribution", "payout"), "ck_payment_grants_purpose"),
        _one_of("status", ("pending", "active", "rejected", "revoked"), "ck_payment_grants_status"),
        sa.CheckConstraint(
            "(purpose = 'contribution' AND membership_id IS NOT NULL) OR "
            "(purpose = 'payout' AND membership_id IS NULL)",
            name="ck_payment_grants_owner",
        ),
    )
    op.create_table(
        "interest_earnings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False, index=True),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("scale", sa.Integer, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True),
        sa.Column("provider_reference", sa.String(255), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        _timestamp("created_at"),
        _one_of("source", ("provider", "admin"), "ck_interest_earnings_source"),
        sa.CheckConstraint("amount_minor > 0", name="ck_interest_earnings_amount"),
    )
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("requested_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True),
        _timestamp("decided_at", nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        _timestamp("created_at"),
        _one_of("kind", ("payout", "contribution_change"), "ck_approval_requests_kind"),
        _one_of("status", ("pending", "approved", "rejected"), "ck_approval_requests_status"),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("stokvel_id", sa.Integer, sa.ForeignKey("stokvels.id"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True, index=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("scale", sa.Integer, nullable=False),
        sa.Column("period", sa.Date, nullable=True),
        sa.Column(
            "interest_earning_id", sa.Integer, sa.ForeignKey("interest_earnings.id"), nullable=True
        ),
        sa.Column("approval_id", sa.Integer, sa.ForeignKey("approval_requests.id"), nullable=True),
        sa.Column("incoming_payment_url", sa.Text, nullable=True),
        sa.Column("quote_url", sa.Text, nullable=True),
        sa.Column("outgoing_payment_url", sa.Text, nullable=True),
        sa.Column("failure_reason", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("completed_at", nullable=True),
        _one_of("kind", ("contribution", "penalty", "interest", "payout", "refund"), "ck_ledger_entries_kind"),
        _one_of("status", ("pending", "completed", "failed"), "ck_ledger_entries_status"),
        sa.CheckConstraint("amount_minor > 0", name="ck_ledger_entries_amount"),
    )
    op.create_index("ix_ledger_entries_stokvel_status", "ledger_entries", ["stokvel_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_stokvel_status", table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("approval_requests")
    op.drop_table("interest_earnings")
    op.drop_table("payment_grants")
    op.drop_table("applications")
    op.drop_table("invite_codes")
    op.drop_index("ix_memberships_stokvel_member", table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("constitutions")
    op.drop_table("stokvels")
    op.drop_table("members")
