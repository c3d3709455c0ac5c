"""Typed views of Forstok's JSON (see ``assumptions`` for which parts are assumed).

These models validate what Forstok sends before ``mapping`` turns it into the core's models.
They read the way Forstok's Rails back end writes: a number may arrive as a JSON number or as a
numeric string (``"50000.0"``), a flag as ``true``/``"1"``/``"f"``, an optional field may be
absent or ``null``, and fields they do not know are ignored. What they refuse (a missing
required field, a negative amount, a float, text where a number belongs, a naive time) ends as
that record's clean error in ``mapping``, never a traceback.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
#: what Rails' boolean cast reads as true or false (anything else is refused here).
_TRUE = frozenset({"1", "t", "true", "on", "yes", "y"})
_FALSE = frozenset({"0", "f", "false", "off", "no", "n"})


def _blank_is_none(value: Any) -> Any:
    # Rails writes an empty form value as "" and casts it to nil.
    return None if isinstance(value, str) and not value.strip() else value


def _decimal(value: Any) -> Any:
    """Read an amount: a JSON number (parsed as ``Decimal``), an int or a numeric string."""
    value = _blank_is_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, float):
        # A float has already lost cents somewhere; the client parses JSON numbers as Decimal.
        raise ValueError("money must be a decimal string or number, not a float")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return Decimal(value.strip())
    raise ValueError(f"must be a number, got {value!r}")


def _integer(value: Any) -> Any:
    """Read a whole number given as an int, an integral ``Decimal`` or a numeric string."""
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"must be a whole number, got {value!r}")
    return int(number)


def _flag(value: Any) -> Any:
    """Read a boolean the way Rails casts one (``true``, ``1``, ``"t"``, ``"false"``...)."""
    value = _blank_is_none(value)
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"must be true or false, got {value!r}")


def _moment(value: Any) -> Any:
    """Read a time: ISO 8601, or Rails' ``2026-11-20 10:00:00 +0700``; it must name a zone."""
    value = _blank_is_none(value)
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"is not a time: {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"needs a time zone: {value!r}")
    return moment


def _text(value: Any) -> Any:
    # Ids and numbers arrive as JSON numbers or strings; the core keys by text.
    if isinstance(value, bool):
        raise ValueError("must be text or a number, not a boolean")
    return str(value) if isinstance(value, int | Decimal) else value


_Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Money = Annotated[_Amount, BeforeValidator(_decimal)]
# The readers run before the union, so "" and null both end as None.
OptionalMoney = Annotated[_Amount | None, BeforeValidator(_decimal), Field(default=None)]
Count = Annotated[int, BeforeValidator(_integer)]
OptionalCount = Annotated[int | None, BeforeValidator(_integer), Field(default=None)]
Flag = Annotated[bool, BeforeValidator(_flag)]
OptionalFlag = Annotated[bool | None, BeforeValidator(_flag), Field(default=None)]
Moment = Annotated[datetime, BeforeValidator(_moment)]
OptionalMoment = Annotated[datetime | None, BeforeValidator(_moment), Field(default=None)]
PlatformId = Annotated[str, BeforeValidator(_text)]
Text = Annotated[str, BeforeValidator(_text)]


def zero() -> Decimal:
    """The amount of an absent or ``null`` money field."""
    return Decimal(0)


class ForstokModel(BaseModel):
    """Base of Forstok payload models: tolerant of new fields, immutable."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class ForstokBundlePart(ForstokModel):
    """One component of a bundle line (``bundle_info[]``)."""

    sku: Text = Field(min_length=1)
    name: Text | None = None
    qty: OptionalCount
    item_price: OptionalMoney


class ForstokAmounts(ForstokModel):
    """The money fields an order and each of its lines both carry (reference: "order and line")."""

    total_price: OptionalMoney
    discount_amount: OptionalMoney
    voucher_amount: OptionalMoney
    tax_price: OptionalMoney
    shipping_provider: Text | None = None


class ForstokItemLine(ForstokAmounts):
    """One ``item_lines[]`` entry: ONE UNIT of a SKU (a SKU bought twice is two lines)."""

    id: PlatformId | None = None
    sku: Text = Field(min_length=1)
    name: Text | None = None
    variant_name: Text | None = None
    note: Text | None = None
    price: OptionalMoney
    sale_price: OptionalMoney
    bundle_info: list[ForstokBundlePart] | None = None

    @property
    def unit_price(self) -> Decimal | None:
        """The seller's price of the unit: ``sale_price``, else ``price``, else the total."""
        for amount in (self.sale_price, self.price, self.total_price):
            if amount is not None:
                return amount
        return None

    @property
    def seller_discount(self) -> Decimal:
        """The unit's discount and voucher (both seller-funded, see ``assumptions``)."""
        return (self.discount_amount or zero()) + (self.voucher_amount or zero())


class ForstokAddress(ForstokModel):
    """The buyer's address (only read for the record; never required)."""

    name: Text | None = None
    address_1: Text | None = None
    address_2: Text | None = None
    city: Text | None = None
    province: Text | None = None
    postal_code: Text | None = None
    country: Text | None = None
    phone: Text | None = None


class ForstokCourier(ForstokModel):
    """``shipping_courier``: the couriers offered and the airway bill."""

    providers: list[Text] | None = None
    awb: Text | None = None
    booking_code: Text | None = None


class ForstokOrder(ForstokAmounts):
    """An order as ``orders.json`` and ``orders/{id}.json`` return it (the reference's fields)."""

    id: PlatformId = Field(min_length=1)
    profile_id: PlatformId | None = None
    store_id: PlatformId | None = None
    store_name: Text | None = None
    channel: Text | None = None
    channel_id: OptionalCount
    local_id: PlatformId | None = None
    local_name: PlatformId | None = None
    warehouse_id: PlatformId | None = None
    status: Text = Field(min_length=1)
    ordered_at: Moment = Field(validation_alias=AliasChoices("ordered_at", "created_at"))
    updated_at: Moment
    address: ForstokAddress | None = None
    cashless: OptionalFlag
    shipping_price: OptionalMoney
    shipping_courier: ForstokCourier | None = None
    subtotal: OptionalMoney
    channel_rebate: OptionalMoney
    # the payout breakdown's fees: names assumed (``assumptions.FEE_FIELDS``) [A]
    service_fee: OptionalMoney
    shipping_difference: OptionalMoney
    # no evidence for these three (reference: "have no evidence"); read when present
    payment_method: Text | None = None
    paid_at: OptionalMoment
    currency: Text | None = None
    item_lines: list[ForstokItemLine] = Field(min_length=1)


class ForstokVariantStock(ForstokModel):
    """A variant's stock in one warehouse, as ``items.json`` lists it."""

    warehouse_id: PlatformId
    quantity_hand: Count
    quantity_available: OptionalCount


class ForstokVariant(ForstokModel):
    """One sellable variant (master SKU) of an item."""

    id: PlatformId | None = None
    sku: Text = Field(min_length=1)
    name: Text = Field(min_length=1)
    price: Money
    pending_action: Flag = False
    quantities: list[ForstokVariantStock] | None = None


class ForstokItem(ForstokModel):
    """An item (master product); variants stay raw so one bad variant spares the others."""

    id: PlatformId
    name: Text | None = None
    variants: list[Any] | None = None


class ForstokWarehouse(ForstokModel):
    """A warehouse from ``warehouses.json``."""

    id: PlatformId
    name: Text


class ForstokQuantity(ForstokModel):
    """A row of ``variants/quantities.json``: one SKU's stock in one warehouse."""

    sku: Text = Field(min_length=1)
    warehouse_id: PlatformId
    quantity_hand: Count
    quantity_available: OptionalCount


class ForstokStockResult(ForstokModel):
    """Forstok's verdict on one variant of a stock update (the update answers per SKU [C])."""

    sku: Text
    status: Text
    message: Text | None = None
    quantity_hand: OptionalCount

    @property
    def ok(self) -> bool:
        """Return whether Forstok applied this variant's update."""
        return self.status == "success"


class ForstokMeta(ForstokModel):
    """The ``meta`` block of a paged answer."""

    page: Count = 1
    per_page: Count = 0
    total: Count = 0


class ForstokWebhook(ForstokModel):
    """The body of an ``order.updated`` webhook."""

    event: Text
    order_id: PlatformId = Field(min_length=1)
    status: Text = Field(min_length=1)
    updated_at: Moment
