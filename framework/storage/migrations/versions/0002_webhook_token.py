"""Each link's secret webhook URL token (encrypted; made on first use).

Revision ID: 0002_webhook_token
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_webhook_token"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the revision."""
    with op.batch_alter_table("link") as batch:
        batch.add_column(sa.Column("webhook_token", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    """Revert the revision."""
    with op.batch_alter_table("link") as batch:
        batch.drop_column("webhook_token")
