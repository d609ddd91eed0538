"""Web forms: the table that makes each signed personal link single-use, and members'
optional South African ID numbers (collected by the registration form).

Revision ID: 0003_links
Revises: 0002_messaging
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_links"
down_revision = "0002_messaging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_link_tokens",
        sa.Column("token_id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "member_id_numbers",
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("id_number", sa.String(13), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("member_id_numbers")
    op.drop_table("used_link_tokens")
