"""Forstok's order webhooks: signature check, freshness check, and the hint they carry.

Forstok signs the raw body: ``X-Forstok-Signature: hex(HMAC-SHA256(secret_key, body))``. A
delivery is a hint only (the core fetches the order before acting) and may come twice or out of
order, so the dedupe key names the order, its status and the time of the change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta

import httpx
from pydantic import ValidationError

from framework.connectors import WebhookHint
from framework.errors import PermanentError
from framework.webhooks import sign_hex, signature_matches

from . import assumptions as contract
from .mapping import describe_invalid
from .models import ForstokWebhook


def verify_order_webhook(headers: Mapping[str, str], body: bytes, secret: str,
                         now: datetime,
                         max_age: timedelta = contract.WEBHOOK_MAX_AGE) -> WebhookHint:
    """Check a webhook's signature and age, and return the order it points at.

    Args:
        headers: the request headers as received.
        body: the raw request body (the signature covers these exact bytes).
        secret: the link's Forstok secret key.
        now: the current time (aware).
        max_age: how old a change may be before the delivery is refused as stale.

    A signed delivery of another event (a product or stock change) comes back as an ignored
    hint: the core stores it and answers 200, and nothing is fetched. Its dedupe key is the
    body's digest (such bodies carry no notification id), so a retry of it is a duplicate.

    Raises:
        PermanentError: forged or missing signature, malformed body, or a stale delivery.
    """
    # httpx.Headers: case-insensitive whatever the web framework handed us
    given = httpx.Headers(dict(headers)).get(contract.WEBHOOK_SIGNATURE_HEADER)
    if not signature_matches(given, sign_hex(secret, body)):
        raise PermanentError(f"Forstok webhook refused: {contract.WEBHOOK_SIGNATURE_HEADER} "
                             "is missing or does not match the body",
                             fix="check the link's secret_key matches Forstok's")
    other = _other_event(body)
    if other:  # signed and well formed, but not an order change: stored and answered 200
        return WebhookHint.ignore(
            f"Forstok event {other!r} is not an order event; jembatan acts on "
            f"{contract.WEBHOOK_EVENT_ORDER_UPDATED!r} only",
            dedupe_key=f"forstok:{other}:{hashlib.sha256(body).hexdigest()[:32]}")
    event = _parse(body)
    if event.updated_at < now - max_age or event.updated_at > now + contract.WEBHOOK_MAX_SKEW:
        raise PermanentError(f"Forstok webhook refused as stale: order {event.order_id} change "
                             f"dated {event.updated_at.isoformat()}, now {now.isoformat()}")
    return WebhookHint(
        external_id=event.order_id, platform_status=event.status,
        dedupe_key=f"forstok:{event.order_id}:{event.status}:{event.updated_at.isoformat()}")


def _other_event(body: bytes) -> str:
    """The ``event`` of a delivery that is not an order change (empty for an order change)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""  # _parse says what is wrong with it
    event = data.get("event") if isinstance(data, dict) else None
    if isinstance(event, str) and event.strip() and event != contract.WEBHOOK_EVENT_ORDER_UPDATED:
        return event.strip()[:100]
    return ""


def _parse(body: bytes) -> ForstokWebhook:
    try:
        event = ForstokWebhook.model_validate(json.loads(body))
    except json.JSONDecodeError as exc:
        raise PermanentError(f"Forstok webhook body is not JSON: {exc.msg}") from exc
    except ValidationError as exc:
        raise PermanentError(f"Forstok webhook body is malformed: {describe_invalid(exc)}") from exc
    return event
