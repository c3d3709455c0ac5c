"""The console's Pull Stock leaves SKUs named differently alone, as the CLI and worker do."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from framework.domain import Product
from framework.jobs import RecordKind, RecordStatus
from framework.setup.users import add_user
from framework.storage.models import Job, PushRecord, WarehouseBinding
from framework.testing.plugins import book, create_mem_link, shop
from framework.web import create_console_app

from .conftest import log_in

PASSWORD = "sangat-rahasia-1"
LINK = "toko"


@pytest.fixture
def client(app):
    create_mem_link(app, LINK)
    with app.session() as session:
        session.add(WarehouseBinding(link_id=LINK, store_warehouse_id="WH1",
                                     accounting_warehouse="Utama"))
        add_user(session, "admin", PASSWORD, admin=True)
    for sku, store_name, books_name in (("KAOS", "Kaos Merah", "Kaos Lama"),
                                        ("TOPI", "Topi", "Topi")):
        shop(LINK).products.append(Product(sku=sku, name=store_name, price=Decimal(1000)))
        book(LINK).items[sku] = Product(sku=sku, name=books_name, price=Decimal(1000))
        shop(LINK).stock[("WH1", sku)] = 4
        book(LINK).stock[("Utama", sku)] = 9
    with TestClient(create_console_app(app), headers={"accept-language": "en"}) as client:
        yield log_in(client, "admin", PASSWORD)


def test_the_preview_lists_the_skipped_sku_and_the_pull_leaves_it_alone(app, client) -> None:
    page = client.get(f"/links/{LINK}/stock/pull").text
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "1 of 2 SKUs change." in shown
    assert "Left alone: 1 SKU(s) named differently" in shown
    assert "KAOS : store “Kaos Merah”, Accurate “Kaos Lama”" in shown
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post(f"/links/{LINK}/stock/pull/confirm", data={"csrf": csrf})
    with app.session() as session:
        [job] = session.scalars(select(Job)).all()
        assert job.payload["skus"] == ["TOPI"]  # only the SKU named alike is queued
        record = session.scalars(select(PushRecord).where(
            PushRecord.kind == RecordKind.STOCK, PushRecord.ref == "KAOS@WH1")).one()
        assert record.status is RecordStatus.SKIPPED and "same name" in record.reason
