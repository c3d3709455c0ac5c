"""Webhook receipt: authenticate, then dedupe, fetch and ingest; keep deliveries a while.

A platform posts to ``/webhooks/<link>/<token>``; the token is the link's own random secret
(stored encrypted, shown by ``jembatan link webhook-url``). The order of the steps is the
guarantee:

1. the URL token is compared in constant time: a wrong one is refused and nothing is stored;
2. the body must be UTF-8 (JSON is), and the plugin checks its signature where the platform
   signs and parses it into a hint (which order, which event);
3. only then is the delivery stored under the hint's dedupe key; a key whose event was
   already *ingested* is a known duplicate (2xx), one that was stored but not finished is
   processed again (the platform's retry of a delivery we answered 5xx);
4. the order is fetched from the platform (a webhook is only a hint) and ingested.

Deliveries are kept ``KEEP_DELIVERIES`` (14 days) and pruned by the worker's schedule.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..errors import ConfigError, IntegrationError
from ..setup.links import build_commerce, get_link, link_info
from ..storage import storable
from ..storage.models import Link, WebhookDelivery, utcnow
from .orders import IngestResult, ingest_order

log = logging.getLogger(__name__)

#: the largest body accepted; larger ones are refused before they are read
BODY_LIMIT = 1024 * 1024
#: how long deliveries are kept (the worker prunes older ones)
KEEP_DELIVERIES = timedelta(days=14)
_TOKEN_KEY = "webhook_token"


class Verdict(StrEnum):
    """How a delivery ended, which decides the HTTP answer."""

    DONE = "done"  # 200: ingested
    DUPLICATE = "duplicate"  # 200: this event was ingested before
    IGNORED = "ignored"  # 200: stored, of an event jembatan does not act on (a product event)
    UNKNOWN_LINK = "unknown_link"  # 404
    FORBIDDEN = "forbidden"  # 403: the URL token is wrong
    REFUSED = "refused"  # 401: the plugin refused the signature or could not parse the body
    BAD_REQUEST = "bad_request"  # 400: not UTF-8
    UNFINISHED = "unfinished"  # 503: jembatan could not finish; the platform should retry


STATUS_CODES = {Verdict.DONE: 200, Verdict.DUPLICATE: 200, Verdict.IGNORED: 200,
                Verdict.UNKNOWN_LINK: 404,
                Verdict.FORBIDDEN: 403, Verdict.REFUSED: 401, Verdict.BAD_REQUEST: 400,
                Verdict.UNFINISHED: 503}


@dataclass(frozen=True, slots=True)
class WebhookReceipt:
    """What became of one webhook delivery."""

    verdict: Verdict
    outcome: str
    result: IngestResult | None = None

    @property
    def status_code(self) -> int:
        """The HTTP status answered to the platform."""
        return STATUS_CODES[self.verdict]


# --------------------------------------------------------------------------- the token

def link_webhook_token(app: Any, link_id: str, *, rotate: bool = False) -> str:
    """Return the link's webhook token, making one (random, encrypted at rest) if needed.

    With ``rotate`` a new token replaces the old one: deliveries to the old URL are refused
    from then on.

    Raises:
        ConfigError: no such link.
    """
    with app.session() as session:
        link = get_link(session, link_id)
        token = _stored_token(app, link)
        if token is None or rotate:
            token = secrets.token_urlsafe(32)
            link.webhook_token = app.secrets.encrypt({_TOKEN_KEY: token})
        return token


def webhook_path(app: Any, link_id: str) -> str:
    """Return the path a platform posts the link's webhooks to (``/webhooks/<link>/<token>``)."""
    return f"/webhooks/{link_id}/{link_webhook_token(app, link_id)}"


def _stored_token(app: Any, link: Link) -> str | None:
    if not link.webhook_token:
        return None
    return app.secrets.decrypt(link.webhook_token).get(_TOKEN_KEY)


def _token_matches(app: Any, link: Link, given: str) -> bool:
    expected = _stored_token(app, link)
    # compare_digest runs in time independent of where the strings differ
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


# --------------------------------------------------------------------------- receipt

def receive_webhook(app: Any, link_id: str, token: str, headers: Mapping[str, str],
                    body: bytes) -> WebhookReceipt:
    """Authenticate a delivery, then store, dedupe, fetch the order and ingest it.

    Never raises for what a platform sends: every ending is a ``WebhookReceipt`` whose
    ``status_code`` the web route answers.
    """
    with app.session() as session:
        link = session.get(Link, link_id)
        if link is None:
            return WebhookReceipt(Verdict.UNKNOWN_LINK, f"unknown link {link_id!r}")
        if not _token_matches(app, link, token):
            log.warning("webhook for %s refused: wrong URL token", link_id)
            return WebhookReceipt(Verdict.FORBIDDEN, "wrong webhook token for this link")
        session.expunge(link)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return WebhookReceipt(Verdict.BAD_REQUEST, "the body is not UTF-8 text")
    with build_commerce(app, link) as commerce:
        try:
            hint = commerce.verify_webhook(headers, body)
        except (IntegrationError, ValueError) as error:  # a bad signature or a bad body
            log.warning("webhook for %s refused: %s", link_id, error)
            return WebhookReceipt(Verdict.REFUSED, f"refused: {error}")
        return _process(app, link, commerce, hint, headers, body)


def _process(app: Any, link: Link, commerce: Any, hint: Any,  # noqa: PLR0913 - one delivery
             headers: Mapping[str, str], body: bytes) -> WebhookReceipt:
    key = storable.storable(hint.dedupe_key, storable.DEDUPE_KEY)
    delivery_id, done = _store(app, link.id, key, headers, body)
    if done:
        return WebhookReceipt(Verdict.DUPLICATE, "duplicate")
    if hint.ignored:  # kept like any delivery, but there is nothing to fetch or ingest
        outcome = f"ignored: {hint.ignored}"
        log.info("webhook %s for %s %s", delivery_id, link.id, outcome)
        _finish(app, delivery_id, outcome, processed=True)
        return WebhookReceipt(Verdict.IGNORED, outcome)
    try:
        order = commerce.get_order(hint.external_id)  # webhooks are hints: fetch first
        with app.session() as session:
            result = ingest_order(session, app.plugins.hook, link_info(link), order,
                                  source="webhook")
    except Exception as error:  # noqa: BLE001 - the web boundary: answer 5xx, keep the delivery
        reason = f"{type(error).__name__}: {error}" if not isinstance(
            error, IntegrationError) else str(error)
        log.warning("webhook %s for %s not finished: %s", delivery_id, link.id, reason)
        _finish(app, delivery_id, f"not finished, the platform will retry: {reason}",
                processed=False)
        return WebhookReceipt(Verdict.UNFINISHED, reason)
    _finish(app, delivery_id, result.outcome.value, processed=True)
    return WebhookReceipt(Verdict.DONE, result.outcome.value, result)


def _store(app: Any, link_id: str, key: str, headers: Mapping[str, str],
           body: bytes) -> tuple[int, bool]:
    """Store the delivery (or find it); return its id and whether it was ingested already."""
    kept = {name: value for name, value in headers.items() if name.lower() != "authorization"}
    text = storable.storable(body.decode("utf-8"), BODY_LIMIT)
    for _ in range(2):  # a concurrent copy may insert between our look and our insert
        with app.session() as session:
            existing = session.scalars(select(WebhookDelivery).where(
                WebhookDelivery.link_id == link_id, WebhookDelivery.dedupe_key == key)
            ).one_or_none()
            if existing is not None:
                return existing.id, existing.processed_at is not None
        try:
            with app.session() as session:
                delivery = WebhookDelivery(link_id=link_id, dedupe_key=key,
                                           headers=storable.storable_json(kept), body=text,
                                           verified=True)
                session.add(delivery)
                session.flush()
                return delivery.id, False
        except IntegrityError:
            continue
    raise ConfigError(f"webhook delivery {key!r} of {link_id} could not be stored")


def _finish(app: Any, delivery_id: int, outcome: str, *, processed: bool) -> None:
    with app.session() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return
        delivery.outcome = storable.storable(outcome, 2000)
        if processed:
            delivery.processed_at = utcnow()


def prune_deliveries(app: Any, keep: timedelta = KEEP_DELIVERIES) -> int:
    """Delete deliveries received longer than ``keep`` ago; return how many went."""
    with app.session() as session:
        gone = session.execute(delete(WebhookDelivery).where(
            WebhookDelivery.received_at < utcnow() - keep))
        return gone.rowcount or 0
