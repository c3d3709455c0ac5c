"""Lanes remember until when they are full, so workers claim other lanes' jobs meanwhile.

Revision ID: 0004_lane_busy
Revises: 0003_console_users
Create Date: 2026-12-01 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_lane_busy"
down_revision = "0003_console_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the revision."""
    with op.batch_alter_table("lane") as batch:
        batch.add_column(sa.Column("busy_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_job_batch", "job", ["link_id", "kind", "lane", "status", "run_at"])


def downgrade() -> None:
    """Revert the revision."""
    op.drop_index("ix_job_batch", table_name="job")
    with op.batch_alter_table("lane") as batch:
        batch.drop_column("busy_until")
