"""The demo's world: three emulators, two Accurate databases, two stores, seeded data.

Everything planted on purpose is named here: one SKU whose name differs between the store and
Accurate (the seeds warn invoices and stock sync fail on it), one SKU with a pending action in
Forstok, one store warehouse left unbound, and a few orders from before the integration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from framework.domain import OrderState
from framework.emulation import RunningServer, start_in_thread
from plugins.accurate.emulator import AccurateEmulator
from plugins.forstok.emulator import ForstokEmulator
from plugins.ginee.emulator import GineeEmulator

S = OrderState
WAREHOUSE = "Gudang Utama"
ACCOUNTS = [("1101", "Kas & Bank", "CASH_BANK"), ("4102", "Pendapatan Ongkos Kirim", "REVENUE"),
            ("4103", "Potongan Penjualan", "EXPENSE"),
            # receipt mode payout (docs/money.md): the marketplace balance and fee accounts
            ("1102", "Saldo Marketplace", "CASH_BANK"),
            ("6199", "Biaya Marketplace Lainnya", "EXPENSE"),
            ("7101", "Pendapatan Subsidi Marketplace", "OTHER_INCOME"),
            ("6101", "Biaya Komisi Marketplace", "EXPENSE"),
            ("6102", "Biaya Layanan Marketplace", "EXPENSE"),
            ("6103", "Biaya Pembayaran", "EXPENSE"),
            ("6104", "Selisih Ongkos Kirim", "EXPENSE"),
            ("6105", "Voucher Penjual", "EXPENSE")]
#: (role, account, channel) receipt mode payout needs, mapped by the demo and the e2e tests
PAYOUT_ACCOUNT_MAP = (("marketplace_balance", "1102", ""), ("other_fee", "6199", ""),
                      ("platform_subsidy", "7101", ""))
#: one expense account per fee type (``jembatan accounts map``), seeded in every database
FEE_ACCOUNT_MAP = (("commission_fee", "6101", ""), ("service_fee", "6102", ""),
                   ("payment_fee", "6103", ""), ("shipping_difference", "6104", ""),
                   ("seller_voucher", "6105", ""))


@dataclass
class Store:
    """One store platform in the demo, with what the story needs to drive it."""

    link_id: str
    platform: str
    emulator: Any
    statuses: dict[OrderState, str]
    database_id: int = 0
    warehouse_id: Any = None
    spare_warehouse_id: Any = None
    shops: list[Any] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    prices: dict[str, str] = field(default_factory=dict)
    mismatched_sku: str = ""
    pending_sku: str = ""
    order_ids: dict[Any, str] = field(default_factory=dict)  # order id -> scenario name
    planned: list[Any] = field(default_factory=list)  # the story's PlannedOrder list


GINEE_STATUSES = {S.WAITING_PAYMENT: "PENDING_PAYMENT", S.PAID: "PAID",
                  S.READY_TO_SHIP: "READY_TO_SHIP", S.SHIPPED: "SHIPPING",
                  S.DELIVERED: "DELIVERED", S.COMPLETED: "COMPLETED",
                  S.CANCELLED: "CANCELLED", S.RETURNED: "RETURNED"}
FORSTOK_STATUSES = {S.WAITING_PAYMENT: "pending", S.PAID: "open",
                    S.READY_TO_SHIP: "ready_to_ship", S.SHIPPED: "shipped",
                    S.DELIVERED: "delivered", S.COMPLETED: "completed",
                    S.CANCELLED: "cancelled", S.RETURNED: "returned"}


@dataclass
class World:
    """The running emulators and the seeded stores."""

    accurate: AccurateEmulator
    stores: list[Store]
    servers: list[RunningServer] = field(default_factory=list)

    def stop(self) -> None:
        """Stop every emulator server."""
        for server in self.servers:
            server.stop()


def start_world(seed: int, products: int) -> World:
    """Start the three emulators on free loopback ports and seed them."""
    accurate = AccurateEmulator(seed=seed)
    ginee = Store("toko-ginee", "ginee", GineeEmulator(seed=seed), GINEE_STATUSES)
    forstok = Store("toko-forstok", "forstok", ForstokEmulator(seed=seed), FORSTOK_STATUSES)
    world = World(accurate, [ginee, forstok])
    for emulator in (accurate, ginee.emulator, forstok.emulator):
        server = start_in_thread(emulator.app)
        emulator.base_url = server.base_url
        world.servers.append(server)
    for store, alias in ((ginee, "PT Toko Ginee Sejahtera"), (forstok, "PT Forstok Makmur")):
        _seed_accurate(accurate, store, alias)
        _seed_store(store, products, seed)
    _plant_name_mismatch(accurate, ginee)
    _plant_name_mismatch(accurate, forstok)
    return world


def _seed_accurate(accurate: AccurateEmulator, store: Store, alias: str) -> None:
    store.database_id = accurate.add_database(alias)
    accurate.add_warehouse(store.database_id, WAREHOUSE)
    accurate.add_warehouse(store.database_id, "Gudang Retur")
    for number, name, kind in ACCOUNTS:
        accurate.add_account(store.database_id, number, name, kind)


def _seed_store(store: Store, products: int, seed: int) -> None:
    emulator = store.emulator
    store.warehouse_id = emulator.add_warehouse("Gudang Jakarta")
    store.spare_warehouse_id = emulator.add_warehouse("Gudang Surabaya (tidak diikat)")
    store.shops = [emulator.add_shop(channel) for channel in ("SHOPEE", "TOKOPEDIA", "LAZADA")]
    emulator.seed_catalogue(products, seed=seed)
    for product in emulator.products():
        for variant in product.get("variationBriefs") or product.get("variants") or []:
            sku = variant.get("sku")
            price = variant.get("sellingPrice") or variant.get("price")
            if variant.get("pendingAction") or variant.get("pending_action"):
                store.pending_sku = store.pending_sku or sku
            elif _stock_of(emulator, store.warehouse_id, sku) > 20:
                store.skus.append(sku)
                store.prices[sku] = str(price)


def _stock_of(emulator: Any, warehouse_id: Any, sku: str) -> int:
    return int(emulator.stock(warehouse_id, sku))


def _plant_name_mismatch(accurate: AccurateEmulator, store: Store) -> None:
    # The same SKU already exists in Accurate under an older name.
    store.mismatched_sku = store.skus.pop()
    accurate.add_item(store.database_id, store.mismatched_sku, "Nama Lama Barang (beda nama)",
                      store.prices[store.mismatched_sku], {WAREHOUSE: 12})


def link_settings(world: World, store: Store) -> dict[str, Any]:
    """Return ``create_link`` keyword arguments for a store's link."""
    credentials = store.emulator.credentials()
    if store.platform == "ginee":
        commerce_settings = credentials["settings"]
        commerce_credentials = credentials["credentials"]
    else:
        commerce_settings = {key: credentials[key]
                             for key in ("auth_url", "base_url", "seller_id", "user_id")}
        commerce_credentials = {"secret_key": credentials["secret_key"]}
    accurate = world.accurate.credentials()
    return {
        "commerce": store.platform, "accounting": "accurate",
        "commerce_settings": commerce_settings, "commerce_credentials": commerce_credentials,
        "accounting_settings": {"account_url": accurate["account_url"],
                                "database_id": store.database_id},
        "accounting_credentials": {"api_token": world.accurate.api_token_for(store.database_id),
                                   "signature_secret": accurate["signature_secret"]},
    }


def create_old_orders(store: Store, before: datetime, count: int = 3) -> None:
    """Orders created a day before the integration: they must never reach Accurate."""
    for index in range(count):
        sku = store.skus[index]
        order_id = store.emulator.create_order(
            store.shops[0], store.warehouse_id, [(sku, 1, store.prices[sku])],
            status=store.statuses[S.PAID], created_at=before - timedelta(days=1, hours=index))
        store.order_ids[order_id] = "before integration"
