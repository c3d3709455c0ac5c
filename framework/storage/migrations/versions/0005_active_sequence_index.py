"""The first-of-sequence check reads a partial index of active jobs.

A plain ``(sequence, id)`` index was, on statistics taken while the queue was empty, combined
with the status index: every claim then read every active job's index entry for each job it
looked at (60 ms a claim with 4,000 queued jobs). The partial index holds only queued and
running jobs, and the planner takes it whatever the statistics say.

Revision ID: 0005_active_sequence_index
Revises: 0004_lane_busy
Create Date: 2026-12-01 15:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_active_sequence_index"
down_revision = "0004_lane_busy"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    """Apply the revision."""
    op.create_index("ix_job_active_sequence", "job", ["sequence", "id"],
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    op.drop_index("ix_job_sequence", table_name="job")


def downgrade() -> None:
    """Revert the revision."""
    op.create_index("ix_job_sequence", "job", ["sequence", "id"])
    op.drop_index("ix_job_active_sequence", table_name="job")
