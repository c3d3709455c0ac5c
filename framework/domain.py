"""The canonical, platform-independent models the core works with.

Platform JSON never crosses into the core: each plugin's ``mapping.py`` turns it into these
models (``Decimal`` money, timezone-aware datetimes) and back. They are frozen pydantic models,
so they validate on construction and serialise losslessly into job payloads.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_require_aware)]


class OrderState(StrEnum):
    """Canonical order states; every platform status maps onto one of these."""

    NEW = "new"
    WAITING_PAYMENT = "waiting_payment"
    PAID = "paid"
    READY_TO_SHIP = "ready_to_ship"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class Canonical(BaseModel):
    """Base of every canonical model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderLine(Canonical):
    """One line of an order: a master SKU sold in some quantity at some price."""

    sku: str = Field(min_length=1)
    name: str
    quantity: int = Field(gt=0)
    unit_price: Decimal = Field(ge=0, description="price of one unit before the line discount")
    discount: Decimal = Field(default=Decimal(0), ge=0, description="discount on the whole line")

    @property
    def total(self) -> Decimal:
        """What the line adds to the order total."""
        return self.unit_price * self.quantity - self.discount


class Order(Canonical):
    """A marketplace order as the core sees it, whatever platform it came from."""

    external_id: str = Field(min_length=1, description="the commerce platform's order id")
    order_number: str = Field(min_length=1, description="the marketplace's order number")
    channel: str = Field(description="sales channel, e.g. SHOPEE, TOKOPEDIA")
    shop_id: str | None = None
    state: OrderState
    platform_status: str = Field(description="the platform's own status word, kept verbatim")
    warehouse_id: str | None = None
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    shipping_fee: Decimal = Field(default=Decimal(0), ge=0)
    discount: Decimal = Field(default=Decimal(0), ge=0, description="order-level discount")
    total: Decimal = Field(ge=0, description="what the buyer pays, as the marketplace says")
    currency: str = "IDR"
    payment_method: str | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    paid_at: AwareDatetime | None = None

    @property
    def computed_total(self) -> Decimal:
        """Lines plus shipping minus the order discount; should equal ``total``."""
        lines = sum((line.total for line in self.lines), Decimal(0))
        return lines + self.shipping_fee - self.discount


class Product(Canonical):
    """One sellable variant: a master SKU, as Accurate holds one item per variant."""

    sku: str = Field(min_length=1)
    name: str = Field(min_length=1)
    price: Decimal = Field(ge=0, description="default sales price")
    warehouse_id: str | None = None
    available: int = Field(default=0, description="available stock in that warehouse")
    pending_action: bool = Field(default=False, description="the store has an unconfirmed change")
    parent_name: str | None = Field(default=None, description="the product the variant belongs to")


class StockLevel(Canonical):
    """A quantity of one SKU in one warehouse."""

    sku: str = Field(min_length=1)
    warehouse_id: str
    quantity: int


class Warehouse(Canonical):
    """A warehouse on either side of a link."""

    id: str
    name: str


class Account(Canonical):
    """An account in the accounting system (chart of accounts, or a customer)."""

    number: str
    name: str
    kind: str = Field(description="e.g. CASH_BANK, REVENUE, EXPENSE, CUSTOMER")


class ItemResult(Canonical):
    """The outcome of pushing or updating one SKU (product sync, stock update)."""

    sku: str
    ok: bool
    message: str = ""
    accounting_id: str | None = None


class Rejected(Canonical):
    """A platform record that could not be turned into a canonical model, and why.

    Commerce connectors yield it in place of an ``Order`` or ``Product`` whose data is missing
    or malformed, so one bad record is reported (as a failed push record) without stopping the
    stream.
    """

    kind: str = Field(description="order or product")
    ref: str = Field(description="the platform's id or SKU, as far as it could be read")
    reason: str
    raw: str = Field(default="", description="the platform's JSON, for the record")
