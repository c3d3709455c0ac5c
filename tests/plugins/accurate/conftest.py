"""Fixtures for the Accurate plugin tests: a served emulator, a seeded database, contexts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from framework import AccountRole, Feature, LinkContext, LinkInfo, Order, OrderLine, OrderState
from framework.emulation import serve_in_thread
from framework.testing.memory import MemoryJobContext
from framework.testing.plugins import MemStore
from plugins.accurate.auth import AccurateConfig, authorize_url
from plugins.accurate.client import AccurateClient
from plugins.accurate.connector import AccurateConnector
from plugins.accurate.emulator import AccurateEmulator

WAREHOUSE = "Gudang Utama"
BANK, SHIPPING, DISCOUNT = "1101", "4101", "6101"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def emulator() -> Iterator[AccurateEmulator]:
    emulator = AccurateEmulator(seed=1)
    emulator.auto_consent = True  # these tests run the code grant without a browser
    with serve_in_thread(emulator) as served:
        yield served


def seed(emulator: AccurateEmulator, alias: str = "PT Toko Maju") -> int:
    db = emulator.add_database(alias)
    emulator.add_warehouse(db, WAREHOUSE)
    emulator.add_warehouse(db, "Gudang Retur")
    emulator.add_account(db, BANK, "Bank BCA", "CASH_BANK")
    emulator.add_account(db, SHIPPING, "Pendapatan Ongkos Kirim", "REVENUE")
    emulator.add_account(db, DISCOUNT, "Diskon Penjualan", "EXPENSE")
    emulator.add_item(db, "A1", "Kaos Polos Hitam", 50000, {WAREHOUSE: 10})
    emulator.add_item(db, "B2", "Topi Rajut", 25000, {WAREHOUSE: 5, "Gudang Retur": 2})
    return db


@pytest.fixture
def db(emulator: AccurateEmulator) -> int:
    return seed(emulator)


class SavedCredentials:
    """Collects what the connector asked to persist."""

    def __init__(self) -> None:
        self.latest: dict[str, Any] = {}
        self.calls = 0

    def __call__(self, credentials: Any) -> None:
        self.calls += 1
        self.latest = dict(credentials)


def api_token_link(emulator: AccurateEmulator, db: int, **extra: Any) -> LinkContext:
    gate = extra.pop("gate", None)
    settings = {"auth": "api_token", "account_url": emulator.base_url, "database_id": str(db),
                **extra.pop("settings", {})}
    credentials = {"api_token": emulator.api_token_for(db),
                   "signature_secret": emulator.auth.signature_secret, **extra}
    kwargs: dict[str, Any] = {"save_credentials": SavedCredentials()}
    if gate is not None:
        kwargs["gate"] = gate
    return LinkContext("toko", settings, credentials, **kwargs)


@pytest.fixture
def connector(emulator: AccurateEmulator, db: int) -> Iterator[AccurateConnector]:
    with AccurateConnector(api_token_link(emulator, db)) as built:
        yield built


def make_order(number: str = "2611AAA001", *, lines: tuple[tuple[str, int, int, int], ...] =
               (("A1", 2, 50000, 0), ("B2", 1, 25000, 5000)), shipping: int = 12000,
               discount: int = 3000, total: int | None = None,
               state: OrderState = OrderState.WAITING_PAYMENT, channel: str = "SHOPEE") -> Order:
    order_lines = tuple(OrderLine(sku=sku, name=f"item {sku}", quantity=qty,
                                  unit_price=Decimal(price), discount=Decimal(disc))
                        for sku, qty, price, disc in lines)
    computed = sum((line.total for line in order_lines), Decimal(0)) + shipping - discount
    return Order(external_id=f"ext-{number}", order_number=number, channel=channel,
                 state=state, platform_status=state.value.upper(), warehouse_id="WH1",
                 lines=order_lines, shipping_fee=Decimal(shipping), discount=Decimal(discount),
                 total=Decimal(total) if total is not None else computed,
                 created_at=T0, updated_at=T0 + timedelta(hours=3), paid_at=T0 + timedelta(hours=1))


def link_info(*features: Feature) -> LinkInfo:
    return LinkInfo(id="toko", commerce="ginee", accounting="accurate",
                    features=frozenset(features), integrated_at=T0 - timedelta(days=1))


class Contexts:
    """Builds MemoryJobContexts of one link that share bindings (as the runner's do)."""

    def __init__(self, connector: AccurateConnector, *features: Feature) -> None:
        self.connector = connector
        self.link = link_info(*features)
        self.bindings: dict[Any, Any] = {}
        self.records: dict[Any, Any] = {}
        # an empty store: a SKU that is no item is then not in the store either
        self.store = MemStore(LinkContext(link_id=self.link.id, settings={}, credentials={}))
        self.accounts = {(AccountRole.CUSTOMER, "SHOPEE"): "C.SHOPEE",
                         (AccountRole.BANK, ""): BANK, (AccountRole.SHIPPING_FEE, ""): SHIPPING,
                         (AccountRole.DISCOUNT, ""): DISCOUNT}

    def __call__(self, kind: str, payload: dict[str, Any]) -> MemoryJobContext:
        return MemoryJobContext(link=self.link, kind=kind, payload=payload,
                                accounting_connector=self.connector,
                                commerce_connector=self.store, key=kind,
                                warehouses={"WH1": WAREHOUSE}, accounts=self.accounts,
                                bindings=self.bindings, records=self.records)

    def order(self, kind: str, order: Order) -> MemoryJobContext:
        return self(kind, {"order": order.model_dump(mode="json")})


@pytest.fixture
def new_order() -> Any:
    return make_order


@pytest.fixture
def contexts(connector: AccurateConnector) -> Any:
    def build(*features: Feature) -> Contexts:
        return Contexts(connector, *features)
    return build


@pytest.fixture
def link_for() -> Any:
    return api_token_link


@pytest.fixture
def seed_database() -> Any:
    return seed


def api_token_client(emulator: AccurateEmulator, db: int) -> AccurateClient:
    """Return a client of one database by its API token (the production retry path)."""
    config = AccurateConfig(auth="api_token", account_url=emulator.base_url,
                            api_token=emulator.api_token_for(db),
                            signature_secret=emulator.auth.signature_secret)
    return AccurateClient(config)


def oauth_client(emulator: AccurateEmulator, saved: list | None = None) -> AccurateClient:
    """Run the code grant as the CLI does (minus the browser) and return the client."""
    config = AccurateConfig(auth="oauth", account_url=emulator.base_url,
                            client_id=emulator.auth.client_id,
                            client_secret=emulator.auth.client_secret)
    client = AccurateClient(config, retries=1,
                            on_credentials=(saved if saved is not None else []).append)
    state, redirect = secrets.token_urlsafe(8), "http://127.0.0.1:9/callback"
    answer = httpx.get(authorize_url(emulator.base_url, str(config.client_id), redirect, state))
    query = parse_qs(urlparse(answer.headers["location"]).query)
    client.exchange_code(query["code"][0], redirect)
    return client


@pytest.fixture
def token_client() -> Any:
    return api_token_client


@pytest.fixture
def oauth_for() -> Any:
    return oauth_client
