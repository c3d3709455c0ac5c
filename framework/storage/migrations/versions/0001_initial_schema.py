"""Initial schema: every table of framework/storage/models.py.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:24:56.277498
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply the revision."""
    op.create_table(
        "lane",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("per_second", sa.Double(), nullable=False),
        sa.Column("in_flight", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "lane_permit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lane", sa.String(length=128), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lane_permit_lane", "lane_permit", ["lane", "acquired_at"], unique=False)
    op.create_table(
        "link",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("commerce", sa.String(length=32), nullable=False),
        sa.Column("accounting", sa.String(length=32), nullable=False),
        sa.Column("commerce_settings", sa.JSON(), nullable=False),
        sa.Column("accounting_settings", sa.JSON(), nullable=False),
        sa.Column("commerce_credentials", sa.Text(), nullable=False),
        sa.Column("accounting_credentials", sa.Text(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("integrated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("order_cursor", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "account_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "customer",
                "bank",
                "shipping_fee",
                "discount",
                name="accountrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("qualifier", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "role", "qualifier"),
    )
    op.create_table(
        "document_binding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column("accounting_id", sa.String(length=64), nullable=True),
        sa.Column("accounting_number", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "kind", "ref"),
    )
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("lane", sa.String(length=128), nullable=True),
        sa.Column("sequence", sa.String(length=255), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "dead",
                name="jobstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "key"),
    )
    op.create_index("ix_job_claim", "job", ["status", "run_at"], unique=False)
    op.create_index("ix_job_sequence", "job", ["sequence", "id"], unique=False)
    op.create_table(
        "order_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("order_number", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "new",
                "waiting_payment",
                "paid",
                "ready_to_ship",
                "shipped",
                "delivered",
                "completed",
                "cancelled",
                "returned",
                name="orderstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("platform_status", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at_platform", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at_platform", sa.DateTime(timezone=True), nullable=False),
        sa.Column("skipped_reason", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "external_id"),
    )
    op.create_table(
        "warehouse_binding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("store_warehouse_id", sa.String(length=64), nullable=False),
        sa.Column("store_warehouse_name", sa.String(length=200), nullable=False),
        sa.Column("accounting_warehouse", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "accounting_warehouse"),
        sa.UniqueConstraint("link_id", "store_warehouse_id"),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "dedupe_key"),
    )
    op.create_table(
        "order_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "new",
                "waiting_payment",
                "paid",
                "ready_to_ship",
                "shipped",
                "delivered",
                "completed",
                "cancelled",
                "returned",
                name="orderstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "new",
                "waiting_payment",
                "paid",
                "ready_to_ship",
                "shipped",
                "delivered",
                "completed",
                "cancelled",
                "returned",
                name="orderstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("platform_status", sa.String(length=64), nullable=False),
        sa.Column("passed_through", sa.Boolean(), nullable=False),
        sa.Column("ignored", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["order_record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_order_transition_order_id"), "order_transition", ["order_id"], unique=False
    )
    op.create_table(
        "push_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("order", "product", "stock", name="recordkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column("document", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "succeeded",
                "failed",
                "skipped",
                "needs_operator",
                name="recordstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("sent", sa.JSON(), nullable=True),
        sa.Column("received", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_id", "kind", "ref", "document"),
    )


def downgrade() -> None:
    """Revert the revision."""
    op.drop_table("push_record")
    op.drop_index(op.f("ix_order_transition_order_id"), table_name="order_transition")
    op.drop_table("order_transition")
    op.drop_table("webhook_delivery")
    op.drop_table("warehouse_binding")
    op.drop_table("order_record")
    op.drop_index("ix_job_sequence", table_name="job")
    op.drop_index("ix_job_claim", table_name="job")
    op.drop_table("job")
    op.drop_table("document_binding")
    op.drop_table("account_mapping")
    op.drop_table("link")
    op.drop_index("ix_lane_permit_lane", table_name="lane_permit")
    op.drop_table("lane_permit")
    op.drop_table("lane")
