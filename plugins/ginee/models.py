"""Typed views of Ginee's JSON, validated at the boundary; mapping.py turns them into the core's.

Field names follow the reference (``shared/reference/ginee-forstok-api.md``); the ones still
marked [A] come from ``assumptions``. Every model ignores fields it does not know and reads
every field the reference does not require as optional (absent or ``null``). Money is
``Decimal`` (the client parses JSON numbers as ``Decimal``, never float; numeric strings are
accepted too) and must be finite and of a sane size; times must carry a zone (ISO-8601 UTC,
or epoch milliseconds): a naive timestamp is as good as a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from . import assumptions as A

#: no marketplace order comes near 10^15 IDR; a bigger figure is a bad value, not money.
MONEY_DIGITS = 15


def _amount(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("an amount must be a number, not a boolean")
    if isinstance(value, int | float | str | Decimal):
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            raise ValueError(f"not a number: {value!r}") from None
        # adjusted() reads the exponent without arithmetic, so 1E+1000000 cannot overflow here
        if not number.is_finite() or number.adjusted() >= MONEY_DIGITS:
            raise ValueError(f"not a sane amount: {str(value)[:40]!r}")
        return number
    return value


def _amount_or_zero(value: Any) -> Any:
    return Decimal(0) if value is None or value == "" else _amount(value)


def _false_if_null(value: Any) -> Any:
    return False if value is None else value


def _moment(value: Any) -> Any:
    # Ginee documents "UTC timestamp"; ISO-8601 is what its filters take, epoch milliseconds
    # is what several SDKs type it as. Accept both, keep rejecting naive strings.
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"timestamp out of range: {value!r}") from None
    return value


#: a required amount: a JSON number (or numeric string), finite, |x| < 10^15.
Amount = Annotated[Decimal, BeforeValidator(_amount)]
#: an optional amount: absent or ``null`` reads as 0.
AmountOrZero = Annotated[Decimal, BeforeValidator(_amount_or_zero)]
#: a zoned time: ISO-8601 with a zone, or epoch milliseconds.
Moment = Annotated[AwareDatetime, BeforeValidator(_moment)]
#: a flag that reads ``null`` as false.
Flag = Annotated[bool, BeforeValidator(_false_if_null)]


class GineeModel(BaseModel):
    """Base of Ginee payload models: immutable, read by Ginee's camelCase names."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


# ---------------------------------------------------------------------------------- orders


class GineeCustomerInfo(GineeModel):
    """``customerInfo`` of an order [C1; ``name``, ``mobile`` C]."""

    customer_id: str | None = Field(default=None, alias="customerId")
    external_customer_id: str | None = Field(default=None, alias="externalCustomerId")
    name: str | None = None
    mobile: str | None = None
    email: str | None = None


class GineePaymentInfo(GineeModel):
    """``paymentInfo``: every money field of the reference's "Money fields" [C1], 0 if absent."""

    total_amount: AmountOrZero = Field(default=Decimal(0), alias="totalAmount")
    total_shipping_fee: AmountOrZero = Field(default=Decimal(0), alias="totalShippingFee")
    final_shipping_fee: AmountOrZero = Field(default=Decimal(0), alias="finalShippingFee")
    insurance_fee: AmountOrZero = Field(default=Decimal(0), alias="insuranceFee")
    taxation_fee: AmountOrZero = Field(default=Decimal(0), alias="taxationFee")
    total_discounts: AmountOrZero = Field(default=Decimal(0), alias="totalDiscounts")
    voucher_seller: AmountOrZero = Field(default=Decimal(0), alias="voucherSeller")
    voucher_platform: AmountOrZero = Field(default=Decimal(0), alias="voucherPlatform")
    discount_platform: AmountOrZero = Field(default=Decimal(0), alias="discountPlatform")
    seller_rebate: AmountOrZero = Field(default=Decimal(0), alias="sellerRebate")
    coin: AmountOrZero = Field(default=Decimal(0))
    coin_cash_back: AmountOrZero = Field(default=Decimal(0), alias="coinCashBack")
    commission_fee: AmountOrZero = Field(default=Decimal(0), alias="commissionFee")
    service_fee: AmountOrZero = Field(default=Decimal(0), alias="serviceFee")
    credit_card_service_fee: AmountOrZero = Field(default=Decimal(0),
                                                  alias="creditCardServiceFee")
    seller_return_refund_amount: AmountOrZero = Field(default=Decimal(0),
                                                      alias="sellerReturnRefundAmount")


class GineeOrderItem(GineeModel):
    """One line of an order (``items[]``) [C1 unless marked]."""

    item_id: str | None = Field(default=None, alias="itemId")
    product_name: str | None = Field(default=None, alias="productName")
    variation_name: str | None = Field(default=None, alias="variationName")
    spu: str | None = None
    sku: str | None = None  # the channel SKU [C]
    master_sku: str | None = Field(default=None, alias="masterSku")  # Ginee's master SKU
    master_sku_type: str | None = Field(default=None, alias="masterSkuType")
    quantity: int = Field(gt=0)
    actual_price: Amount | None = Field(default=None, alias="actualPrice", ge=0)
    actual_total_price: Amount | None = Field(default=None, alias="actualTotalPrice", ge=0)
    original_price: Amount | None = Field(default=None, alias="originalPrice", ge=0)
    original_total_price: Amount | None = Field(default=None, alias="originalTotalPrice", ge=0)
    discounted_price: AmountOrZero = Field(default=Decimal(0), alias="discountedPrice")
    external_item_id: str | None = Field(default=None, alias="externalItemId")
    external_product_id: str | None = Field(default=None, alias="externalProductId")
    external_variation_id: str | None = Field(default=None, alias="externalVariationId")
    external_order_item_status: str | None = Field(default=None,
                                                   alias="externalOrderItemStatus")
    is_gift: Flag = Field(default=False, alias="isGift")
    is_fulfil_by_platform: Flag = Field(default=False, alias="isFulfilByPlatform")


class GineeLogisticsInfo(GineeModel):
    """One shipment of ``logisticsInfos[]``."""

    tracking_number: str | None = Field(default=None, alias="logisticsTrackingNumber")
    provider_name: str | None = Field(default=None, alias="logisticsProviderName")
    delivery_type: str | None = Field(default=None, alias="logisticsDeliveryType")


class GineeCancelInfo(GineeModel):
    """``cancelInfo`` [A: sub-fields not read in the docs]."""

    cancel_reason: str | None = Field(default=None, alias=A.CANCEL_REASON)
    cancel_id: str | None = Field(default=None, alias=A.CANCEL_ID)
    cancel_note: str | None = Field(default=None, alias=A.CANCEL_NOTE)


class GineePrintInfo(GineeModel):
    """``printInfo``: the label's print state (a label state, not an order status) [C1]."""

    label_print_status: str | None = Field(default=None, alias="labelPrintStatus")
    label_print_time: Moment | None = Field(default=None, alias="labelPrintTime")


def _null_to_empty(value: Any) -> Any:
    return [] if value is None else value


class GineeOrderRow(GineeModel):
    """A row of list-order: the order's top-level fields without the nested objects [D]."""

    order_id: str = Field(alias="orderId", min_length=1)
    channel: str | None = None
    shop_id: str | None = Field(default=None, alias="shopId")
    order_type: str | None = Field(default=None, alias="orderType")
    order_status: str | None = Field(default=None, alias="orderStatus")
    country: str | None = None
    currency: str | None = None
    total_amount: Amount | None = Field(default=None, alias="totalAmount")
    payment_method: str | None = Field(default=None, alias="paymentMethod")
    pay_at: Moment | None = Field(default=None, alias="payAt")
    promised_to_ship_before: Moment | None = Field(default=None, alias="promisedToShipBefore")
    create_at: Moment | None = Field(default=None, alias="createAt")
    close_at: Moment | None = Field(default=None, alias="closeAt")
    last_update_at: Moment | None = Field(default=None, alias="lastUpdateAt")
    external_shop_id: str | None = Field(default=None, alias="externalShopId")
    external_order_id: str | None = Field(default=None, alias="externalOrderId")
    external_order_sn: str | None = Field(default=None, alias="externalOrderSn")
    external_order_status: str | None = Field(default=None, alias="externalOrderStatus")
    external_create_at: Moment | None = Field(default=None, alias="externalCreateAt")
    external_update_at: Moment | None = Field(default=None, alias="externalUpdateAt")
    is_cod: Flag = Field(default=False, alias="isCod")
    purchased_on: str | None = Field(default=None, alias="purchasedOn")
    problem_order_types: Annotated[list[str], BeforeValidator(_null_to_empty)] = Field(
        default_factory=list, alias="problemOrderTypes")


class GineeOrder(GineeOrderRow):
    """An order as batch-get and v2/get return it: the row plus its nested objects [D].

    What jembatan cannot do without is required: channel, status, create and update times,
    the total and at least one item. Everything else may be absent or ``null``.
    """

    channel: str = Field(min_length=1)
    order_status: str = Field(alias="orderStatus", min_length=1)
    create_at: Moment = Field(alias="createAt")
    last_update_at: Moment = Field(alias="lastUpdateAt")
    total_amount: Amount = Field(alias="totalAmount", ge=0)
    fake_order: Flag = Field(default=False, alias="fakerOrder")
    seller_total_amount: Amount | None = Field(default=None, alias="sellerTotalAmount")
    warehouse_id: str | None = Field(default=None, alias=A.ORDER_WAREHOUSE)
    customer_info: GineeCustomerInfo | None = Field(default=None, alias="customerInfo")
    payment_info: GineePaymentInfo | None = Field(default=None, alias="paymentInfo")
    items: list[GineeOrderItem] = Field(min_length=1)
    logistics_infos: Annotated[list[GineeLogisticsInfo], BeforeValidator(_null_to_empty)] = (
        Field(default_factory=list, alias="logisticsInfos"))
    cancel_info: GineeCancelInfo | None = Field(default=None, alias="cancelInfo")
    print_info: GineePrintInfo | None = Field(default=None, alias="printInfo")

    @property
    def payment(self) -> GineePaymentInfo:
        """``paymentInfo``, all zeros when Ginee left it out."""
        return self.payment_info or GineePaymentInfo()


# -------------------------------------------------------------------- products and stock


class GineeVariationBrief(GineeModel):
    """One entry of a master product's ``variationBriefs[]`` [D]: a sellable master SKU."""

    id: str = Field(min_length=1)  # the master variation id
    sku: str = Field(min_length=1)  # the master SKU
    option_values: Annotated[list[str], BeforeValidator(_null_to_empty)] = Field(
        default_factory=list, alias="optionValues")
    barcode: str | None = None


class GineeMasterProduct(GineeModel):
    """A master product row; its variations stay raw so one bad variant rejects only itself."""

    product_id: str = Field(alias="productId", min_length=1)
    name: str = Field(min_length=1)
    spu: str | None = None
    variation_briefs: Annotated[list[Any], BeforeValidator(_null_to_empty)] = Field(
        default_factory=list, alias="variationBriefs")


def _price_amount(value: Any) -> Any:
    # The Price object is ``{amount, currencyCode}`` [C1]; a bare number is accepted too.
    return value.get("amount") if isinstance(value, dict) else value


class GineePrice(GineeModel):
    """A row of variation list-price [C1 path; A row]."""

    master_variation_id: str = Field(alias="masterVariationId", min_length=1)
    selling_price: Annotated[Amount, BeforeValidator(_price_amount)] = Field(
        alias=A.PRICE_FIELD, ge=0)


class GineeInventory(GineeModel):
    """``warehouseInventory`` of a warehouse stock row [D]: where the stock numbers sit."""

    warehouse_id: str = Field(alias="warehouseId", min_length=1)
    master_variation_id: str | None = Field(default=None, alias="masterVariationId")
    warehouse_stock: int = Field(alias="warehouseStock")
    available_stock: int = Field(default=0, alias="availableStock")
    locked_stock: int = Field(default=0, alias="lockedStock")
    spare_stock: int = Field(default=0, alias="spareStock")


class GineeMasterVariationRef(GineeModel):
    """The ``masterVariation`` object inside a warehouse stock row [D]."""

    id: str | None = None
    master_sku: str = Field(alias="masterSku", min_length=1)


class GineeStockRow(GineeModel):
    """A row of warehouse-inventory sku/list: one SKU's figures in one warehouse [D]."""

    inventory: GineeInventory = Field(alias="warehouseInventory")
    master_variation: GineeMasterVariationRef = Field(alias="masterVariation")

    @property
    def sku(self) -> str:
        """The master SKU this row counts."""
        return self.master_variation.master_sku

    @property
    def warehouse_id(self) -> str:
        """The warehouse the row counts."""
        return self.inventory.warehouse_id


class GineeWarehouse(GineeModel):
    """A row of warehouse search."""

    id: str = Field(alias=A.WAREHOUSE_ID, min_length=1)
    name: str = Field(default="", alias=A.WAREHOUSE_NAME)


# -------------------------------------------------------------------------------- webhooks


class GineeWebhookOrderPayload(GineeModel):
    """The order ``payload`` of a webhook [D: ``orderId``, ``orderStatus``… visible]."""

    order_id: str = Field(alias="orderId", min_length=1)
    order_status: str | None = Field(default=None, alias="orderStatus")
    shop_id: str | None = Field(default=None, alias="shopId")


class GineeWebhook(GineeModel):
    """A webhook delivery ``{id, entity, action, createAt, payload}`` [D]; unsigned."""

    id: str = Field(min_length=1)
    entity: str = Field(min_length=1)
    action: str | None = None
    create_at: Moment | None = Field(default=None, alias="createAt")
    payload: dict[str, Any] = Field(default_factory=dict)
