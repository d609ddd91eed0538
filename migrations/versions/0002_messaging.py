"""Messaging: inbound de-duplication and the 24-hour window, menus, outbound statuses.

Revision ID: 0002_messaging
Revises: 0001_domain
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_messaging"
down_revision = "0001_domain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_inbound",
        sa.Column("message_sid", sa.String(64), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_whatsapp_inbound_number", "whatsapp_inbound", ["number"])
    op.create_table(
        "whatsapp_contacts",
        sa.Column("number", sa.String(20), primary_key=True),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("menu", sa.JSON(), nullable=True),
    )
    op.create_table(
        "whatsapp_outbound",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sid", sa.String(64), nullable=True, unique=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("content_sid", sa.String(34), nullable=True),
        sa.Column("content_variables", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_whatsapp_outbound_number", "whatsapp_outbound", ["number"])


def downgrade() -> None:
    op.drop_index("ix_whatsapp_outbound_number", "whatsapp_outbound")
    op.drop_table("whatsapp_outbound")
    op.drop_table("whatsapp_contacts")
    op.drop_index("ix_whatsapp_inbound_number", "whatsapp_inbound")
    op.drop_table("whatsapp_inbound")
