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

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .storage import storable


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

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # A value the database or the arithmetic cannot hold (a NUL, 1E+1000000, year 1) is
        # refused here, as that record's clean error, instead of failing a statement later.
        problem = storable.value_problem(value)
        if problem:
            raise ValueError(problem)
        return value


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


class FeeType(StrEnum):
    """What a marketplace keeps from an order's money (each books to its own account)."""

    COMMISSION = "commission"  # marketplace commission
    SERVICE = "service"  # service, programme, platform, admin, fulfilment fees
    PAYMENT = "payment"  # payment / credit-card fee
    SHIPPING_DIFFERENCE = "shipping_difference"  # final shipping above what the buyer paid
    SELLER_VOUCHER = "seller_voucher"  # seller-funded voucher or coin cashback taken at payout
    OTHER = "other"  # a fee the platform names but no canonical type fits


class SubsidyType(StrEnum):
    """Money the marketplace adds on top of the invoice (booked as other income)."""

    REBATE = "rebate"  # platform rebate / cashback to the seller
    SHIPPING = "shipping"  # shipping subsidy or shipping charged below the final cost
    OTHER = "other"


class PlatformDiscountType(StrEnum):
    """Price cuts the buyer got that the marketplace pays for (they never reduce revenue)."""

    VOUCHER = "voucher"
    DISCOUNT = "discount"
    COINS = "coins"


class Fee(Canonical):
    """One fee the marketplace deducts from the payout."""

    type: FeeType
    amount: Decimal = Field(ge=0)
    label: str = Field(default="", description="the platform's own name, e.g. commissionFee")


class Subsidy(Canonical):
    """Platform money that raises the payout above the invoice."""

    type: SubsidyType
    amount: Decimal = Field(ge=0)
    label: str = ""


class PlatformDiscount(Canonical):
    """A platform-funded price cut: the buyer paid less, the marketplace pays the seller."""

    type: PlatformDiscountType
    amount: Decimal = Field(ge=0)
    label: str = ""


class RefundLine(Canonical):
    """Units of one SKU a refund gives back (a partial refund names only those)."""

    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)


class Refund(Canonical):
    """Money given back to the buyer out of the seller's revenue (a return or a cancel)."""

    amount: Decimal = Field(ge=0, description="at the seller's price, what the return credits")
    lines: tuple[RefundLine, ...] = ()
    refunded_at: AwareDatetime | None = None
    reason: str = ""


class Settlement(Canonical):
    """What the marketplace released for the order, once it says so."""

    released_at: AwareDatetime
    released_amount: Decimal | None = Field(default=None, description="net cash released")
    reference: str | None = Field(default=None, description="settlement / payout id")


class OrderMoney(Canonical):
    """An order's money in platform-independent pieces (the reference's booking recipe).

    Line prices and line discounts stay on ``OrderLine`` (the seller's price and seller-funded
    line discounts). The pieces relate as follows, every amount a ``Decimal``:

    - ``invoice`` (the seller's revenue) = lines - ``seller_discount`` + ``shipping_charged``
      (only when not ``cashless``: cashless shipping is paid to the courier by the
      marketplace) + ``tax`` (only when not ``tax_inclusive``);
    - ``buyer_total`` (what the buyer paid) = invoice - platform discounts (+ shipping when
      cashless); plugins check it equals ``Order.total``;
    - ``net payout`` = invoice - fees + subsidies - refunds; ``stated_net`` (the platform's own
      seller total, when it gives one) must equal it.

    Every piece is optional (0 / absent), so a plugin fills only what its platform sends.
    """

    seller_discount: Decimal = Field(default=Decimal(0), ge=0,
                                     description="order-level seller-funded discounts/vouchers")
    platform_discounts: tuple[PlatformDiscount, ...] = ()
    shipping_charged: Decimal = Field(default=Decimal(0), ge=0,
                                      description="shipping the buyer paid")
    shipping_final: Decimal | None = Field(default=None, ge=0,
                                           description="the seller's final shipping cost")
    cashless: bool = Field(default=False, description="the marketplace pays the courier")
    tax: Decimal = Field(default=Decimal(0), ge=0, description="tax (PPN) on the order")
    tax_inclusive: bool = Field(default=True, description="line prices include the tax")
    fees: tuple[Fee, ...] = ()
    subsidies: tuple[Subsidy, ...] = ()
    refunds: tuple[Refund, ...] = ()
    settlement: Settlement | None = None
    stated_net: Decimal | None = Field(default=None,
                                       description="the seller's net as the platform states it")

    @property
    def shipping_income(self) -> Decimal:
        """Buyer-paid shipping that is the seller's income (0 when cashless)."""
        return Decimal(0) if self.cashless else self.shipping_charged

    @property
    def fee_total(self) -> Decimal:
        """Every fee the marketplace keeps."""
        return sum((fee.amount for fee in self.fees), Decimal(0))

    @property
    def subsidy_total(self) -> Decimal:
        """Every platform subsidy on top of the invoice."""
        return sum((subsidy.amount for subsidy in self.subsidies), Decimal(0))

    @property
    def platform_discount_total(self) -> Decimal:
        """Every platform-funded price cut the buyer got."""
        return sum((cut.amount for cut in self.platform_discounts), Decimal(0))

    @property
    def refund_total(self) -> Decimal:
        """Everything refunded to the buyer."""
        return sum((refund.amount for refund in self.refunds), Decimal(0))


class Order(Canonical):
    """A marketplace order as the core sees it, whatever platform it came from.

    ``shipping_fee`` and ``discount`` are the legacy money fields; a plugin that fills
    ``money`` sets them to ``money.shipping_charged`` and ``money.seller_discount``. Without
    ``money`` the order is read as non-cashless with no fees (``Order.books``).
    """

    external_id: str = Field(min_length=1, max_length=storable.EXTERNAL_ID,
                             description="the commerce platform's order id")
    order_number: str = Field(min_length=1, max_length=storable.ORDER_NUMBER,
                              description="the marketplace's order number")
    channel: str = Field(max_length=storable.CHANNEL,
                         description="sales channel, e.g. SHOPEE, TOKOPEDIA")
    shop_id: str | None = None
    state: OrderState
    platform_status: str = Field(max_length=storable.PLATFORM_STATUS,
                                 description="the platform's own status word, kept verbatim")
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
    delivered_at: AwareDatetime | None = Field(default=None,
                                               description="when the buyer received it")
    money: OrderMoney | None = None

    @property
    def merchandise(self) -> Decimal:
        """The lines at the seller's price, less seller-funded line discounts."""
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def computed_total(self) -> Decimal:
        """What the buyer pays by the pieces (``buyer_total``); should equal ``total``."""
        return self.buyer_total

    @property
    def books(self) -> OrderMoney:
        """The order's money pieces: ``money``, or the legacy fields read as pieces."""
        if self.money is not None:
            return self.money
        return OrderMoney(seller_discount=self.discount, shipping_charged=self.shipping_fee)

    @property
    def invoice_amount(self) -> Decimal:
        """The seller's revenue: what the order's invoice totals."""
        books = self.books
        tax = Decimal(0) if books.tax_inclusive else books.tax
        return self.merchandise - books.seller_discount + books.shipping_income + tax

    @property
    def buyer_total(self) -> Decimal:
        """What the buyer pays by the pieces: the invoice less platform-funded cuts."""
        books = self.books
        cashless_shipping = books.shipping_charged if books.cashless else Decimal(0)
        return self.invoice_amount - books.platform_discount_total + cashless_shipping

    @property
    def expected_payout(self) -> Decimal:
        """The net the marketplace should release: invoice - fees + subsidies - refunds."""
        books = self.books
        return (self.invoice_amount - books.fee_total + books.subsidy_total
                - books.refund_total)


class StockLevel(Canonical):
    """A quantity of one SKU in one warehouse."""

    sku: str = Field(min_length=1)
    warehouse_id: str
    quantity: int


class Product(Canonical):
    """One sellable variant: a master SKU, as Accurate holds one item per variant."""

    sku: str = Field(min_length=1)
    name: str = Field(min_length=1)
    price: Decimal = Field(ge=0, description="default sales price")
    warehouse_id: str | None = None
    available: int = Field(default=0, description="available stock in that warehouse")
    pending_action: bool = Field(default=False, description="the store has an unconfirmed change")
    parent_name: str | None = Field(default=None, description="the product the variant belongs to")
    opening: tuple[StockLevel, ...] = Field(
        default=(), description="opening stock per bound warehouse (the product push names the "
                                "accounting warehouses); empty: ``available`` in one warehouse")


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

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # A rejection describes a bad value, NUL included: keep it readable, never refuse it.
        if isinstance(value, str):
            return value.replace(storable.NUL, "\\0")
        return value
