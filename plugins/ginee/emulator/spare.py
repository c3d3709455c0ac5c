"""The emulator's spare-stock and available-stock updates (reference "Products and stock").

``/openapi/v1/oms/stock/spare-stock/update`` [D]: ``stockList`` of up to 20 ``{masterSku,
action, quantity, warehouseId?, shelfInventoryId?, remark?}``, ``action`` one of
``INCREASE``, ``DECREASE``, ``OVER_WRITE``; ``warehouseId`` may be omitted when the SKU is in
one warehouse only. The answer is per SKU: ``data.successList`` and ``data.failedList`` of
``{masterSku, errorMessage}``. The available-stock path has the same body [C1 path; A body];
it moves the available figure by moving spare stock the other way [A].
"""

from __future__ import annotations

from typing import Any

from .. import assumptions as A
from .state import EmulatorError, GineeStore, StockCell

SPARE_STOCK = "/openapi/v1/oms/stock/spare-stock/update"
AVAILABLE_STOCK = "/openapi/v1/oms/stock/available-stock/update"
ACTIONS = ("INCREASE", "DECREASE", "OVER_WRITE")
MAX_ITEMS = 20


def _cell(store: GineeStore, item: dict[str, Any]) -> tuple[StockCell, str]:
    sku = item.get("masterSku")
    if not isinstance(sku, str) or sku not in store.variation_of_sku:
        raise ValueError(A.MESSAGES["unknown_sku"].format(sku=sku,
                                                          warehouse_id=item.get("warehouseId")))
    homes = [wh for wh, cells in store.stock_cells.items() if sku in cells]
    warehouse_id = item.get("warehouseId")
    if warehouse_id is None:
        if len(homes) != 1:
            raise ValueError(A.MESSAGES["empty"].format(name="warehouseId"))
        warehouse_id = homes[0]
    if warehouse_id not in homes:
        raise ValueError(A.MESSAGES["unknown_sku"].format(sku=sku, warehouse_id=warehouse_id))
    return store.stock_cells[warehouse_id][sku], warehouse_id


def _new_spare(cell: StockCell, action: Any, quantity: Any, *, available: bool) -> int:
    if action not in ACTIONS:
        raise ValueError(f"Parameter is invalid: action must be one of {', '.join(ACTIONS)}")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise ValueError("Parameter is invalid: quantity must be a non-negative integer")
    free = cell.warehouse_stock - cell.locked
    current = cell.available if available else cell.spare
    target = {"INCREASE": current + quantity, "DECREASE": current - quantity,
              "OVER_WRITE": quantity}[action]
    spare = free - target if available else target
    if not 0 <= spare <= free:
        raise ValueError(f"Parameter is invalid: the stock cannot become {target} "
                         f"({free} on hand and not locked)")
    return spare


def _update(store: GineeStore, body: dict[str, Any], *, available: bool) -> Any:
    items = body.get("stockList")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise EmulatorError("PARAMETER_ERROR",
                            A.MESSAGES["stock_batch"].format(limit=MAX_ITEMS))
    succeeded, failed = [], []
    for item in items:
        sku = item.get("masterSku") if isinstance(item, dict) else None
        try:
            cell, warehouse_id = _cell(store, item if isinstance(item, dict) else {})
            cell.spare = _new_spare(cell, item.get("action"), item.get("quantity"),
                                    available=available)
        except ValueError as exc:
            failed.append({"masterSku": sku, "errorMessage": str(exc)})
            continue
        succeeded.append({"masterSku": sku, "warehouseId": warehouse_id,
                          "spareStock": cell.spare,
                          "availableStock": cell.available})
    return {"successList": succeeded, "failedList": failed}


def spare_stock(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/v1/oms/stock/spare-stock/update``: set aside stock per SKU [D]."""
    return _update(store, body, available=False)


def available_stock(store: GineeStore, body: dict[str, Any]) -> Any:
    """``/openapi/v1/oms/stock/available-stock/update``: the same body, on available [A]."""
    return _update(store, body, available=True)
