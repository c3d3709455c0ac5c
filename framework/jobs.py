"""The vocabulary shared by the lifecycle, the runner and the plugins' job handlers.

A reaction (from ``plan_order_reactions``) is a ``JobRequest``; the core stores it as a job in
the same transaction as the order transition that caused it; the runner later hands the job to
the handler a plugin registered for its kind, through a ``JobContext``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from .connectors import AccountingConnector, CommerceConnector


class JobStatus(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # needs an operator; re-push requeues it
    DEAD = "dead"  # retried until max attempts; re-push requeues it


class RecordKind(StrEnum):
    """What a push record is about (the seeds' Push Order/Product/Stock Record)."""

    ORDER = "order"
    PRODUCT = "product"
    STOCK = "stock"


class RecordStatus(StrEnum):
    """The outcome shown to operators."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    NEEDS_OPERATOR = "needs_operator"


class AccountRole(StrEnum):
    """The accounting accounts and names an order needs (the seeds' CoA mapping)."""

    CUSTOMER = "customer"  # qualifier: sales channel, e.g. SHOPEE; value: customer number
    BANK = "bank"  # cash/bank account for Auto Paid receipts
    SHIPPING_FEE = "shipping_fee"  # account for the shipping fee charged to the buyer
    DISCOUNT = "discount"  # account for order-level discounts
    # receipt mode ``payout`` (docs/money.md): where the net payout lands, and one account per
    # fee type / subsidy; qualifier: a sales channel where the chart differs per channel
    MARKETPLACE_BALANCE = "marketplace_balance"  # Kas/Bank "Saldo <marketplace>" account
    COMMISSION_FEE = "commission_fee"
    SERVICE_FEE = "service_fee"
    PAYMENT_FEE = "payment_fee"
    SHIPPING_DIFFERENCE = "shipping_difference"
    SELLER_VOUCHER = "seller_voucher"
    PLATFORM_SUBSIDY = "platform_subsidy"  # other income: rebates, shipping subsidies
    OTHER_FEE = "other_fee"  # fallback for a fee type with no account mapped (warned)


class Feature(StrEnum):
    """Switches per link."""

    INVOICE = "invoice"
    AUTO_PAID = "auto_paid"
    STOCK_SYNC = "stock_sync"
    SALES_RETURN = "sales_return"


class ReceiptMode(StrEnum):
    """How an invoiced order's money is received (the link setting ``receipt_mode``)."""

    AUTO_PAID = "auto-paid"  # the whole invoice into the bank account right after it
    PAYOUT = "payout"  # the marketplace's net payout at settlement, one line per fee
    OFF = "off"  # no receipt: the accountant receives payments by hand


#: the accounting setting naming a link's receipt mode
RECEIPT_MODE_SETTING = "receipt_mode"


@dataclass(frozen=True, slots=True)
class JobRequest:
    """A unit of work a plugin asks the core to run durably.

    Attributes:
        kind: the handler's registered kind, e.g. ``"accurate.sales_invoice"``.
        key: idempotency key, unique per link; the same key is never queued twice
            (e.g. ``"order:SO123:sales_invoice"``).
        payload: JSON-serialisable data for the handler.
        lane: rate-limit lane the job's requests use: the runner batches jobs of one lane
            and claims none for a lane that is full (handlers still ask the gate per request).
        sequence: jobs with the same sequence run one after another in creation order
            (e.g. ``"order:SO123"``) so a cancel never overtakes the order's creation.
        delay_seconds: earliest start, relative to now.
    """

    kind: str
    key: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    lane: str | None = None
    sequence: str | None = None
    delay_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """A link's identity and switches, as reactions and handlers see it."""

    id: str
    commerce: str
    accounting: str
    features: frozenset[Feature]
    integrated_at: datetime | None
    settings: Mapping[str, Any] = field(default_factory=dict)  # the accounting side's settings

    def has(self, feature: Feature) -> bool:
        """Return whether ``feature`` is switched on for this link."""
        return feature in self.features

    @property
    def receipt_mode(self) -> ReceiptMode:
        """The receipt mode, from the ``receipt_mode`` setting.

        Without the setting: ``auto-paid`` when the ``auto_paid`` feature is on, else
        ``payout`` (the default for marketplace links).

        Raises:
            ValueError: the setting names no mode (``jembatan check`` reports it first).
        """
        chosen = self.settings.get(RECEIPT_MODE_SETTING)
        if chosen:
            return ReceiptMode(str(chosen).strip().lower())
        return ReceiptMode.AUTO_PAID if Feature.AUTO_PAID in self.features else ReceiptMode.PAYOUT


#: the document-binding kind of a SKU's accounting item (written by the core's product push)
ITEM_BINDING = "item"


@dataclass(frozen=True, slots=True)
class DocumentBinding:
    """The accounting system's id and number for one of our things (order document, SKU)."""

    kind: str
    ref: str
    accounting_id: str | None
    accounting_number: str | None


class JobContext(Protocol):
    """Everything a job handler may use; built by the runner for one attempt of one job.

    Handlers raise ``framework.errors`` classes to tell the runner what to do; returning
    normally means the job succeeded.
    """

    job_id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    attempt: int
    link: LinkInfo

    def accounting(self) -> AccountingConnector:
        """Return the link's accounting connector (built once per attempt)."""
        ...

    def commerce(self) -> CommerceConnector:
        """Return the link's commerce connector (built once per attempt)."""
        ...

    def binding(self, kind: str, ref: str) -> DocumentBinding | None:
        """Return what we know the accounting system holds for ``(kind, ref)``."""
        ...

    def bind(self, kind: str, ref: str, accounting_id: str | None, number: str | None) -> None:
        """Remember the accounting id/number for ``(kind, ref)`` (committed with the job)."""
        ...

    def accounting_warehouse(self, store_warehouse_id: str | None) -> str:
        """Return the accounting warehouse bound to a store warehouse.

        Raises:
            ConfigError: the warehouse is unbound; the message names it and the bind command.
        """
        ...

    def account(self, role: AccountRole, qualifier: str = "") -> str:
        """Return the mapped account/customer number for a role.

        Raises:
            ConfigError: nothing is mapped; the message names the map command.
        """
        ...

    def awaiting_invoice(self, store_warehouse_id: str) -> Mapping[str, int]:
        """Return, per SKU, what the store deducted for orders whose documents are queued.

        The stock formula subtracts it from the accounting on-hand (see ``framework.sync.stock``).
        """
        ...

    def record(  # noqa: PLR0913 - a record is these fields
        self,
        kind: RecordKind,
        ref: str,
        document: str,
        status: RecordStatus,
        *,
        sent: Any = None,
        received: Any = None,
        reason: str = "",
    ) -> None:
        """Write (or update) the push record for ``(kind, ref, document)`` of this link."""
        ...

    def enqueue(self, request: JobRequest) -> None:
        """Queue a follow-up job, committed only if this job succeeds."""
        ...


JobHandler = Callable[[JobContext], None]
