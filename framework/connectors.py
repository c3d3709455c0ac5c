"""Base classes a plugin subclasses to teach jembatan a platform.

A connector is built per link (one store joined to one accounting database) from that link's
settings and decrypted credentials. Commerce connectors (Ginee, Forstok, …) supply orders,
products, warehouses and a stock sink; accounting connectors (Accurate, …) receive items and
documents and report stock. The core only ever talks to these interfaces.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, ContextManager, Protocol

from .domain import Account, ItemResult, Order, Product, Rejected, StockLevel, Warehouse


class RequestGate(Protocol):
    """Admission control for outgoing requests, shared by every worker of an installation.

    ``permit(lane)`` blocks until one more request on ``lane`` keeps within the lane's requests
    per second and requests in flight, and holds an in-flight slot until the block exits.
    """

    def permit(self, lane: str) -> ContextManager[None]:
        """Wait for and hold one request slot on ``lane``."""
        ...


class OpenGate:
    """A gate that admits everything at once (single-process tools and unit tests)."""

    def permit(self, lane: str) -> ContextManager[None]:
        """Admit immediately."""
        return contextlib.nullcontext()


@dataclass(frozen=True, slots=True)
class LinkContext:
    """What a connector needs to know about its link; built by the core for each use.

    Attributes:
        link_id: the link's id (a slug such as ``toko-ginee``).
        settings: the plugin's own non-secret settings for this link (base URLs, shop ids…).
        credentials: decrypted secrets for this link; never log them.
        save_credentials: persist rotated credentials (new refresh token, renewed JWT)
            encrypted; connectors call it whenever a platform hands out new secrets.
        gate: request admission shared across workers; wrap every HTTP call in
            ``gate.permit(lane)``.
        integrated_at: when the link went live; orders created before it are not sent.
        load_credentials: re-read the link's stored, decrypted credentials; another link
            connected from the same OAuth grant may have rotated them since this context was
            built. ``None`` when nothing is stored (a probe, a test).
    """

    link_id: str
    settings: Mapping[str, Any]
    credentials: Mapping[str, Any]
    save_credentials: Callable[[Mapping[str, Any]], None] = field(default=lambda _c: None)
    gate: RequestGate = field(default_factory=OpenGate)
    integrated_at: datetime | None = None
    load_credentials: Callable[[], Mapping[str, Any]] | None = None


class Connector(ABC):
    """Common base: construction from a link and a health probe."""

    #: the plugin's name for the platform, e.g. ``"ginee"``; also the link's platform value.
    name: ClassVar[str]
    #: human title for tables, e.g. ``"Ginee"``.
    title: ClassVar[str]
    #: names of credential fields (all encrypted at rest), e.g. ``("access_key", "secret_key")``.
    credential_fields: ClassVar[tuple[str, ...]] = ()
    #: credentials the connector obtains and saves itself (tokens, sessions, hosts); dropped
    #: when the operator replaces a secret, so the next call obtains fresh ones.
    derived_credentials: ClassVar[tuple[str, ...]] = ()
    #: credentials of one OAuth grant that several links may hold (one per database opened
    #: with it), e.g. ``("refresh_token", "access_token")``. The first names the grant (a
    #: rotating refresh token): when a link saves a new value of it, every other link on the
    #: same platform that held the old value gets all of these fields too.
    grant_credentials: ClassVar[tuple[str, ...]] = ()
    #: names of non-secret settings with their help text, e.g. ``{"base_url": "…"}``.
    setting_fields: ClassVar[Mapping[str, str]] = {}
    #: what each credential field is, for ``jembatan plugins --settings`` (help text only).
    credential_help: ClassVar[Mapping[str, str]] = {}

    def __init__(self, link: LinkContext) -> None:
        self.link = link

    def close(self) -> None:  # noqa: B027 - optional hook, most connectors hold an httpx client
        """Release network resources."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CommerceConnector(Connector):
    """A store platform: where orders, master products and store stock live."""

    #: the longest update-time window one order listing may span (``None``: any). The core
    #: polls window by window and moves the link's cursor after each, so a link behind by
    #: any gap catches up and a failure keeps the windows already read.
    order_window: ClassVar[timedelta | None] = None
    #: how far back the platform lists orders (``None``: no limit). A poll or backfill that
    #: starts earlier is clipped to it with a warning (what lies before cannot be listed).
    order_horizon: ClassVar[timedelta | None] = None
    #: whether the platform signs its webhooks (``verify_webhook`` checks the signature).
    #: A platform that does not (Ginee) is authenticated only by the link's secret URL token.
    signs_webhooks: ClassVar[bool] = True

    @abstractmethod
    def iter_orders(
        self, updated_since: datetime, updated_until: datetime
    ) -> Iterator[Order | Rejected]:
        """Yield every order updated in the window (the caller adds its own overlap).

        An order that cannot be mapped (missing fields, unknown status) is yielded as a
        ``Rejected`` with the reason, so the rest of the window still flows.
        """

    @abstractmethod
    def get_order(self, external_id: str) -> Order:
        """Fetch one order by the platform's id (webhooks are hints: fetch before acting).

        Raises:
            PermanentError: the order is unknown or cannot be mapped (the reason says why).
        """

    @abstractmethod
    def iter_products(self) -> Iterator[Product | Rejected]:
        """Stream master products, one ``Product`` per variant SKU, in constant memory.

        Variants with incomplete data are yielded as ``Rejected`` (reported, never sent).
        """

    def get_products(self, skus: Iterable[str]) -> dict[str, Product | Rejected]:
        """Return the store's current master product of each SKU it still has, keyed by SKU.

        Optional: a re-pushed product is rebuilt from this, not from what was queued. The
        default streams ``iter_products`` and stops once every SKU is found; a platform that
        can look SKUs up directly overrides it. A SKU the store no longer has is absent; one
        with incomplete data is its ``Rejected``.
        """
        wanted = set(skus)
        found: dict[str, Product | Rejected] = {}
        stream = self.iter_products()
        try:
            for product in stream:
                sku = product.sku if isinstance(product, Product) else product.ref
                if sku in wanted:
                    found[sku] = product
                    if len(found) == len(wanted):
                        break
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # stopped early: release the platform's paging now
        return found

    @abstractmethod
    def list_warehouses(self) -> list[Warehouse]:
        """Return the store's warehouses."""

    @abstractmethod
    def read_stock(self, warehouse_id: str) -> Iterator[StockLevel]:
        """Yield the store's stock (on hand) per SKU in one warehouse."""

    @abstractmethod
    def set_stock(self, warehouse_id: str, levels: list[StockLevel]) -> list[ItemResult]:
        """Overwrite on-hand stock for the given SKUs in one warehouse; one result per SKU."""

    @abstractmethod
    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookHint:
        """Check a webhook's signature (constant time) and parse it into a hint.

        A connector whose platform does not sign (``signs_webhooks`` false) only parses.

        Raises:
            PermanentError: the signature is missing or wrong, or the body is malformed.
        """


@dataclass(frozen=True, slots=True)
class WebhookHint:
    """What a verified webhook says: which order changed. Always fetch the order to act.

    ``ignored`` (non-empty: why) marks a well-formed delivery of an event jembatan does not
    act on, such as a product or stock notification: the core stores it, fetches nothing and
    answers 200, so the platform does not retry it or switch the subscription off.
    """

    external_id: str
    platform_status: str | None
    dedupe_key: str
    ignored: str = ""

    @classmethod
    def ignore(cls, reason: str, dedupe_key: str) -> WebhookHint:
        """A hint for a delivery to store and answer, but not to act on (``reason`` says why)."""
        return cls(external_id="", platform_status=None, dedupe_key=dedupe_key, ignored=reason)


class AccountingConnector(Connector):
    """An accounting system: where items, sales documents and the books live."""

    #: how the console connects this system (OAuth in the browser, API token); optional
    connect_flow: ClassVar[ConnectFlow | None] = None

    @abstractmethod
    def list_warehouses(self) -> list[Warehouse]:
        """Return the accounting system's warehouses (for binding)."""

    @abstractmethod
    def list_accounts(self) -> list[Account]:
        """Return cash/bank, revenue and expense accounts and customers (for mapping)."""

    def iter_items(self) -> Iterator[Product]:
        """Yield every item the accounting system holds (SKU and name), page by page.

        Optional: without it, ``jembatan check`` cannot report SKUs that exist in the
        accounting system but not in the store, and says so.
        """
        raise NotImplementedError

    @abstractmethod
    def find_items(self, skus: list[str]) -> dict[str, Product]:
        """Return the items that already exist, keyed by SKU (item code)."""

    @abstractmethod
    def create_items(self, products: list[Product], warehouse: str) -> list[ItemResult]:
        """Create items (opening quantity in ``warehouse``); one result per product.

        Implementations batch as the API allows, and must not create an item whose code
        already exists (that result is ``ok`` with the existing id).
        """

    @abstractmethod
    def read_stock(self, warehouse: str, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Yield on-hand quantity per SKU in one accounting warehouse."""


@dataclass(frozen=True, slots=True)
class AccountingConnection:
    """What a link stores for its accounting side once connected to one database."""

    settings: dict[str, Any]
    credentials: dict[str, Any]
    alias: str


@dataclass(frozen=True, slots=True)
class OAuthGrant:
    """An approved OAuth authorization: the databases it may open and the secrets to do so.

    ``held`` stays on the server (never in a cookie or a page) until the operator has chosen
    the databases; then ``open_database`` turns it into one connection per database.
    """

    databases: list[tuple[str, str]]  # (database id, readable name)
    held: dict[str, Any]


class ConnectFlow:
    """How an operator connects an accounting system in the console (optional per plugin).

    An ``AccountingConnector`` subclass sets ``connect_flow`` to an instance. The console
    shows ``oauth_fields`` and ``token_fields`` as forms (names in ``secret_fields`` are
    password inputs), runs the OAuth code grant in the browser, lets the operator pick one or
    several databases (one link each) and stores what ``open_database`` returns.
    """

    oauth_fields: ClassVar[Mapping[str, str]] = {}
    token_fields: ClassVar[Mapping[str, str]] = {}
    secret_fields: ClassVar[tuple[str, ...]] = ()

    def authorize_url(self, values: Mapping[str, str], redirect_uri: str, state: str) -> str:
        """Return the URL of the system's login and consent page."""
        raise NotImplementedError

    def grant(self, values: Mapping[str, str], code: str, redirect_uri: str) -> OAuthGrant:
        """Trade the callback's code for tokens; list the databases they open."""
        raise NotImplementedError

    def open_database(self, grant: OAuthGrant, database_id: str) -> AccountingConnection:
        """Open one database of an approved grant."""
        raise NotImplementedError

    def connect_token(self, values: Mapping[str, str]) -> AccountingConnection:
        """Check an API token (the other way in) and find its database."""
        raise NotImplementedError
