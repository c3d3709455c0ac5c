"""The contract kit for accounting connectors: one suite every accounting plugin passes.

Subclass ``AccountingConnectorContract`` under a ``Test*`` name and give it a ``books``
fixture returning a ``BooksUnderTest``: the plugin's connector against its running emulator,
plus the emulator handles the contract needs::

    class TestAcmeBooksContract(AccountingConnectorContract):
        @pytest.fixture
        def books(self, emulator, connector):
            return BooksUnderTest(connector=connector, warehouse="Gudang Utama", ...)

Every test asserts on what the connector returns and on what the emulator then holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..connectors import AccountingConnector
from ..domain import Account, Product, Warehouse

#: more items than one page or one look-up chunk of any platform we know
MANY = 120


@dataclass(frozen=True)
class BooksUnderTest:
    """What the contract needs from an accounting plugin's test side, on one emulator.

    Attributes:
        connector: the plugin's connector, built against the running emulator.
        warehouse: the warehouse items are created and read in, as the connector names it
            in ``create_items`` and ``read_stock``.
        accounts: the accounts and customers seeded in the emulator: number -> kind.
        add_item: put an item ``(code, name, price, on_hand in warehouse)`` in the emulator.
        item_codes: every item code the emulator holds, one entry per item (duplicates show).
        on_hand: the emulator's own on-hand of an item code in ``warehouse``.
    """

    connector: AccountingConnector
    warehouse: str
    accounts: Mapping[str, str]
    add_item: Callable[[str, str, Decimal, int], None]
    item_codes: Callable[[], list[str]]
    on_hand: Callable[[str], int]


def _product(sku: str, available: int = 0) -> Product:
    return Product(sku=sku, name=f"Barang Kontrak {sku}", price=Decimal("12500.50"),
                   available=available)


class AccountingConnectorContract:
    """The behaviour every ``AccountingConnector`` owes the core, checked against an emulator.

    Not collected by itself (no ``Test`` prefix): subclass it and provide a ``books`` fixture.
    """

    def test_lists_the_warehouse_with_id_and_name(self, books: BooksUnderTest) -> None:
        """The seeded warehouse is listed, every warehouse with an id and a name, once."""
        warehouses = books.connector.list_warehouses()
        assert all(isinstance(w, Warehouse) and w.id and w.name for w in warehouses), warehouses
        ids = [w.id for w in warehouses]
        assert len(ids) == len(set(ids)), f"warehouses listed twice: {ids}"
        assert books.warehouse in {w.name for w in warehouses} | set(ids), warehouses

    def test_lists_accounts_and_customers_with_their_kind(self, books: BooksUnderTest) -> None:
        """Every seeded account and customer is listed with its number, name and kind."""
        listed = {a.number: a for a in books.connector.list_accounts()}
        assert all(isinstance(a, Account) and a.name for a in listed.values()), listed
        assert {number: listed[number].kind for number in books.accounts if number in listed} \
            == dict(books.accounts), f"listed {sorted(listed)}, seeded {dict(books.accounts)}"

    def test_create_items_once_with_their_opening_stock(self, books: BooksUnderTest) -> None:
        """New items are created with the opening stock; a second call creates nothing."""
        products = [_product("CT-NEW-1", 7), _product("CT-NEW-2", 0)]
        results = books.connector.create_items(products, books.warehouse)
        assert sorted((r.sku, r.ok) for r in results) == [("CT-NEW-1", True),
                                                          ("CT-NEW-2", True)], results
        assert all(r.accounting_id for r in results), results
        assert books.on_hand("CT-NEW-1") == 7
        again = books.connector.create_items(products, books.warehouse)
        assert all(r.ok for r in again), again
        counts = Counter(books.item_codes())
        assert counts["CT-NEW-1"] == 1 and counts["CT-NEW-2"] == 1, counts
        found = books.connector.find_items(["CT-NEW-1", "CT-NEW-2"])
        assert {sku: p.name for sku, p in found.items()} == {p.sku: p.name for p in products}

    def test_find_items_finds_many_and_only_existing_ones(self, books: BooksUnderTest) -> None:
        """A look-up of more SKUs than a page finds each existing one, and no unknown one."""
        codes = [f"CT-MANY-{n:03d}" for n in range(MANY)]
        for code in codes:
            books.add_item(code, f"Barang {code}", Decimal(1000), 1)
        found = books.connector.find_items([*codes, "CT-NO-SUCH-SKU"])
        assert sorted(found) == codes, sorted(set(codes) ^ set(found))
        assert all(isinstance(p, Product) for p in found.values())

    def test_items_stream_each_once(self, books: BooksUnderTest) -> None:
        """``iter_items`` (if implemented) yields every item once, past one page."""
        for n in range(MANY):
            books.add_item(f"CT-LIST-{n:03d}", f"Barang {n}", Decimal(500), 0)
        try:
            streamed = [p.sku for p in books.connector.iter_items()]
        except NotImplementedError:
            return  # optional: `jembatan check` says it could not look
        repeated = [sku for sku, times in Counter(streamed).items() if times > 1]
        assert not repeated, f"items streamed twice: {repeated}"
        assert set(books.item_codes()) <= set(streamed)

    def test_read_stock_of_given_skus_in_the_warehouse(self, books: BooksUnderTest) -> None:
        """On-hand is read per SKU, only for the SKUs asked, in the warehouse asked."""
        books.add_item("CT-STOCK-A", "Barang A", Decimal(1), 11)
        books.add_item("CT-STOCK-B", "Barang B", Decimal(1), 4)
        levels = list(books.connector.read_stock(books.warehouse, ["CT-STOCK-A"]))
        assert [(level.sku, level.quantity) for level in levels] == [("CT-STOCK-A", 11)], levels
