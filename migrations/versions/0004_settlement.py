"""Settlement sweep: the lease that keeps two sweeps from running at once, the record of
things done at most once (an attempt per payment per day, each notice), and APScheduler's
persistent job store.

Revision ID: 0004_settlement
Revises: 0003_links
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_settlement"
down_revision = "0003_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlement_locks",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "settlement_once",
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )
    # The exact table APScheduler 3's SQLAlchemyJobStore expects (see
    # stokvel.settlement.APSCHEDULER_JOBS): made here, not by the job store.
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), primary_key=True),
        sa.Column("next_run_time", sa.Float(25), index=True),
        sa.Column("job_state", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("apscheduler_jobs")
    op.drop_table("settlement_once")
    op.drop_table("settlement_locks")
