"""Typed views of Forstok's JSON (see ``assumptions`` for which parts are assumed).

These models validate what Forstok sends before ``mapping`` turns it into the core's models.
They ignore fields they do not know (the platform adds fields freely) and refuse what the core
cannot use: a missing field, a negative quantity, money sent as a float, a naive datetime.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field


def _refuse_float(value: Any) -> Any:
    # A float has already lost cents somewhere; the client parses JSON numbers as Decimal.
    if isinstance(value, float):
        raise ValueError("money must be a decimal string or number, not a float")
    if isinstance(value, bool):
        raise ValueError("money must be a number")
    return value


Money = Annotated[Decimal, BeforeValidator(_refuse_float), Field(ge=0, allow_inf_nan=False)]
PlatformId = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]


class ForstokModel(BaseModel):
    """Base of Forstok payload models: tolerant of new fields, immutable."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class ForstokOrderItem(ForstokModel):
    """One line of a Forstok order."""

    sku: str = Field(min_length=1)
    name: str = ""
    quantity: int = Field(gt=0)
    price: Money
    discount: Money = Decimal(0)


class ForstokOrder(ForstokModel):
    """An order as ``orders.json`` and ``orders/{id}.json`` return it."""

    id: PlatformId = Field(min_length=1)
    local_id: PlatformId = Field(min_length=1)
    channel: str = Field(min_length=1)
    store_id: PlatformId | None = None
    status: str = Field(min_length=1)
    payment_status: str | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    paid_at: AwareDatetime | None = None
    total_price: Money
    shipping_price: Money = Decimal(0)
    discount: Money = Decimal(0)
    currency: str | None = None
    warehouse_id: PlatformId | None = None
    payment_method: str | None = None
    items: list[ForstokOrderItem] = Field(min_length=1)


class ForstokVariantStock(ForstokModel):
    """A variant's stock in one warehouse, as ``items.json`` lists it."""

    warehouse_id: PlatformId
    quantity_hand: int
    quantity_available: int | None = None


class ForstokVariant(ForstokModel):
    """One sellable variant (master SKU) of an item."""

    id: PlatformId | None = None
    sku: str = Field(min_length=1)
    name: str = Field(min_length=1)
    price: Money
    pending_action: bool = False
    quantities: list[ForstokVariantStock] = Field(default_factory=list)


class ForstokItem(ForstokModel):
    """An item (master product); variants stay raw so one bad variant spares the others."""

    id: PlatformId
    name: str = ""
    variants: list[Any] = Field(default_factory=list)


class ForstokWarehouse(ForstokModel):
    """A warehouse from ``warehouses.json``."""

    id: PlatformId
    name: str


class ForstokQuantity(ForstokModel):
    """A row of ``variants/quantities.json``: one SKU's stock in one warehouse."""

    sku: str = Field(min_length=1)
    warehouse_id: PlatformId
    quantity_hand: int
    quantity_available: int | None = None


class ForstokStockResult(ForstokModel):
    """Forstok's verdict on one variant of a stock update."""

    sku: str
    status: str
    message: str = ""
    quantity_hand: int | None = None

    @property
    def ok(self) -> bool:
        """Return whether Forstok applied this variant's update."""
        return self.status == "success"


class ForstokMeta(ForstokModel):
    """The ``meta`` block of a paged answer."""

    page: int = 1
    per_page: int = 0
    total: int = 0


class ForstokWebhook(ForstokModel):
    """The body of an ``order.updated`` webhook."""

    event: str
    order_id: PlatformId = Field(min_length=1)
    status: str = Field(min_length=1)
    updated_at: AwareDatetime
