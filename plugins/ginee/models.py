"""Typed views of Ginee's JSON, validated at the boundary; mapping.py turns them into the core's.

Field names marked [A] in the reference come from ``assumptions``; the rest are confirmed [C].
Money fields are ``Decimal`` (the client parses JSON numbers as ``Decimal``, never float) and
times must carry a zone: a naive timestamp is as good as a missing one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from . import assumptions as A


class GineeModel(BaseModel):
    """Base of Ginee payload models: immutable, read by Ginee's camelCase names."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class GineeOrderItem(GineeModel):
    """One item of an order (``items[]`` of batch-get)."""

    master_sku: str = Field(alias="masterSku", min_length=1)
    product_name: str = Field(alias="productName", min_length=1)
    quantity: int = Field(gt=0)
    unit_price: Decimal | None = Field(default=None, alias=A.ITEM_UNIT_PRICE, ge=0)
    list_price: Decimal | None = Field(default=None, alias=A.ITEM_LIST_PRICE, ge=0)
    discount: Decimal = Field(default=Decimal(0), alias=A.ITEM_DISCOUNT, ge=0)


class GineeOrder(GineeModel):
    """An order as batch-get returns it."""

    order_id: str = Field(alias="orderId", min_length=1)
    external_order_id: str | None = Field(default=None, alias="externalOrderId")
    external_order_sn: str | None = Field(default=None, alias="externalOrderSn")
    channel: str = Field(min_length=1)
    shop_id: str | None = Field(default=None, alias="shopId")
    order_status: str = Field(alias="orderStatus", min_length=1)
    create_at: AwareDatetime = Field(alias="createAt")
    update_at: AwareDatetime = Field(alias="updateAt")
    pay_at: AwareDatetime | None = Field(default=None, alias=A.ORDER_PAID_AT)
    currency: str = "IDR"
    total_amount: Decimal = Field(alias="totalAmount", ge=0)
    shipping_fee: Decimal = Field(default=Decimal(0), alias=A.ORDER_SHIPPING_FEE, ge=0)
    discount: Decimal = Field(default=Decimal(0), alias=A.ORDER_DISCOUNT, ge=0)
    warehouse_id: str | None = Field(default=None, alias=A.ORDER_WAREHOUSE)
    payment_method: str | None = Field(default=None, alias=A.ORDER_PAYMENT_METHOD)
    items: list[GineeOrderItem] = Field(min_length=1)


class GineeOrderSummary(GineeModel):
    """One row of list-order: enough to ask batch-get for the details."""

    order_id: str = Field(alias="orderId", min_length=1)
    order_status: str | None = Field(default=None, alias="orderStatus")


class GineeVariation(GineeModel):
    """A master variation (one sellable SKU) of a master product."""

    master_variation_id: str = Field(alias="masterVariationId", min_length=1)
    master_sku: str = Field(alias="masterSku", min_length=1)
    option_values: list[str] = Field(default_factory=list, alias=A.VARIATION_OPTIONS)
    pending_action: bool = Field(default=False, alias=A.VARIATION_PENDING_ACTION)


class GineeMasterProduct(GineeModel):
    """A master product row; its variations stay raw so one bad variant rejects only itself."""

    product_id: str = Field(alias="productId", min_length=1)
    name: str = Field(min_length=1)
    variations: list[dict[str, Any]] = Field(default_factory=list, alias=A.PRODUCT_VARIATIONS)


class GineePrice(GineeModel):
    """A row of variation list-price."""

    master_variation_id: str = Field(alias="masterVariationId", min_length=1)
    selling_price: Decimal = Field(alias=A.PRICE_FIELD, ge=0)


class GineeMasterVariationRef(GineeModel):
    """The ``masterVariation`` object inside a warehouse stock row."""

    master_sku: str = Field(alias="masterSku", min_length=1)


class GineeStockRow(GineeModel):
    """A row of warehouse-inventory sku/list: one SKU's figures in one warehouse."""

    master_variation: GineeMasterVariationRef = Field(alias="masterVariation")
    warehouse_id: str = Field(alias=A.STOCK_WAREHOUSE)
    warehouse_stock: int = Field(alias="warehouseStock")
    available_stock: int = Field(alias="availableStock")
    locked_stock: int = Field(default=0, alias="lockedStock")

    @property
    def sku(self) -> str:
        """The master SKU this row counts."""
        return self.master_variation.master_sku


class GineeWarehouse(GineeModel):
    """A row of warehouse search."""

    id: str = Field(alias=A.WAREHOUSE_ID, min_length=1)
    name: str = Field(alias=A.WAREHOUSE_NAME)


class GineeWebhook(GineeModel):
    """An order status webhook body [A]."""

    type: str
    order_id: str = Field(alias="orderId", min_length=1)
    order_status: str = Field(alias="orderStatus", min_length=1)
    update_at: AwareDatetime = Field(alias="updateAt")
    shop_id: str | None = Field(default=None, alias="shopId")
