"""The database schema (SQLAlchemy 2). Alembic revisions in ``migrations/`` create it.

Everything is per link. UNIQUE constraints carry the exactly-once guarantees: a job key is
queued once per link, a document binding is stored once per (kind, ref), a warehouse is bound
once on each side, a webhook delivery is processed once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..domain import OrderState
from ..jobs import AccountRole, JobStatus, RecordKind, RecordStatus


def utcnow() -> datetime:
    """Return the current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


class AwareDateTime(TypeDecorator[datetime]):
    """Stores UTC; always returns aware datetimes (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store every datetime as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read every datetime back as an aware UTC datetime."""
        if value is None:
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)


def _enum(enum_cls: type) -> Enum:
    # Store enum values (not names) as plain strings: portable and readable in SQL.
    return Enum(enum_cls, values_callable=lambda e: [m.value for m in e], native_enum=False,
                length=32, validate_strings=True)


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {datetime: AwareDateTime, dict[str, Any]: JSON}


class Link(Base):
    """One store account joined to one accounting database."""

    __tablename__ = "link"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    commerce: Mapped[str] = mapped_column(String(32))
    accounting: Mapped[str] = mapped_column(String(32))
    commerce_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    accounting_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    commerce_credentials: Mapped[str] = mapped_column(Text, default="")  # Fernet token
    accounting_credentials: Mapped[str] = mapped_column(Text, default="")  # Fernet token
    webhook_token: Mapped[str] = mapped_column(Text, default="")  # Fernet token: the URL secret
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)  # Feature value -> bool
    integrated_at: Mapped[datetime | None]
    order_cursor: Mapped[datetime | None]  # last polled update time (before the overlap)
    disconnected_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WarehouseBinding(Base):
    """One store warehouse bound to one accounting warehouse, one-to-one both ways."""

    __tablename__ = "warehouse_binding"
    __table_args__ = (
        UniqueConstraint("link_id", "store_warehouse_id"),
        UniqueConstraint("link_id", "accounting_warehouse"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    store_warehouse_id: Mapped[str] = mapped_column(String(64))
    store_warehouse_name: Mapped[str] = mapped_column(String(200), default="")
    accounting_warehouse: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccountMapping(Base):
    """The accounting account or customer a role uses (qualifier: channel, or empty)."""

    __tablename__ = "account_mapping"
    __table_args__ = (UniqueConstraint("link_id", "role", "qualifier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    role: Mapped[AccountRole] = mapped_column(_enum(AccountRole))
    qualifier: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[str] = mapped_column(String(200))


class OrderRecord(Base):
    """An order the link has seen, with its canonical state and last snapshot."""

    __tablename__ = "order_record"
    __table_args__ = (UniqueConstraint("link_id", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(128))
    order_number: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(64))
    state: Mapped[OrderState] = mapped_column(_enum(OrderState))
    platform_status: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at_platform: Mapped[datetime]
    updated_at_platform: Mapped[datetime]
    skipped_reason: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OrderTransition(Base):
    """Every event applied to an order: the move it made, or why it was ignored."""

    __tablename__ = "order_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order_record.id", ondelete="CASCADE"),
                                          index=True)
    from_state: Mapped[OrderState] = mapped_column(_enum(OrderState))
    to_state: Mapped[OrderState] = mapped_column(_enum(OrderState))
    trigger: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))  # poll, webhook, backfill, demo…
    platform_status: Mapped[str] = mapped_column(String(64))
    passed_through: Mapped[bool] = mapped_column(Boolean, default=False)
    ignored: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


#: the statuses of a job still to run (``queue.ACTIVE``), as SQL for the partial index
ACTIVE_JOB = text("status IN ('queued', 'running')")


class Job(Base):
    """A durable unit of work (the transactional outbox the runner drains)."""

    __tablename__ = "job"
    __table_args__ = (
        UniqueConstraint("link_id", "key"),
        Index("ix_job_claim", "status", "run_at"),
        # the active jobs of a sequence, for "is this job the first of its sequence?": a
        # partial index the planner picks even on statistics taken while the queue was empty
        # (a plain (sequence, id) index was then combined with the status index, reading
        # every active job's entry for each job a claim looked at)
        Index("ix_job_active_sequence", "sequence", "id", postgresql_where=ACTIVE_JOB,
              sqlite_where=ACTIVE_JOB),
        # a batch claim: the due jobs of one link, kind and lane
        Index("ix_job_batch", "link_id", "kind", "lane", "status", "run_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(128))
    sequence: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class PushRecord(Base):
    """What was sent to a platform for one thing, what came back, and why it failed."""

    __tablename__ = "push_record"
    __table_args__ = (
        UniqueConstraint("link_id", "kind", "ref", "document"),
        # every settle closes its jobs' pending records by job id: without the index that
        # was a scan of every record ever written (24 ms a settle at 300,000 records)
        Index("ix_push_record_job", "job_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    kind: Mapped[RecordKind] = mapped_column(_enum(RecordKind))
    ref: Mapped[str] = mapped_column(String(255))  # order number, SKU, SKU@warehouse
    document: Mapped[str] = mapped_column(String(64))  # sales_order, item, stock…
    status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus))
    sent: Mapped[Any] = mapped_column(JSON, nullable=True)
    received: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DocumentBindingRow(Base):
    """The accounting id/number of one of our things: an order's document, a SKU's item."""

    __tablename__ = "document_binding"
    __table_args__ = (UniqueConstraint("link_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))  # sales_order, sales_invoice, item, customer…
    ref: Mapped[str] = mapped_column(String(255))
    accounting_id: Mapped[str | None] = mapped_column(String(64))
    accounting_number: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """A webhook as received, stored raw before it is processed; deduplicated by key."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("link_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[str] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]


class LanePermit(Base):
    """One admitted request on a rate-limit lane (cross-process limits live here)."""

    __tablename__ = "lane_permit"
    __table_args__ = (Index("ix_lane_permit_lane", "lane", "acquired_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lane: Mapped[str] = mapped_column(String(128))
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    # not the release itself: the latest moment the platform can have seen the request
    # arrive (the earlier of the answer and the send plus a guard; see ``ratelimit``)
    released_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]


class Lane(Base):
    """A lane row, locked while admitting so that admissions are serialised per lane."""

    __tablename__ = "lane"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    per_second: Mapped[float] = mapped_column(default=8.0)
    in_flight: Mapped[int] = mapped_column(Integer, default=8)
    # a refused admission sets it to when the lane frees; workers claim other lanes' jobs
    busy_until: Mapped[datetime | None]


class ConsoleUser(Base):
    """Someone who may log in to the web console (``jembatan users add``)."""

    __tablename__ = "console_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, never the password
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsoleGrant(Base):
    """A link an operator (not an admin) may see and operate in the console."""

    __tablename__ = "console_grant"
    __table_args__ = (UniqueConstraint("user_id", "link_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id", ondelete="CASCADE"))
    link_id: Mapped[str] = mapped_column(ForeignKey("link.id", ondelete="CASCADE"))


class ConsoleSession(Base):
    """A logged-in browser: the cookie carries the token, the row only its hash."""

    __tablename__ = "console_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("console_user.id", ondelete="CASCADE"),
                                         index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    flash: Mapped[Any] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class WorkerPresence(Base):
    """When each worker last said it is alive (the console warns when none has lately)."""

    __tablename__ = "worker_presence"

    worker_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
