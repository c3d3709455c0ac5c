"""Ginee's webhook deliveries [D ``/_web_hooks.html``]: read, never trusted.

A delivery is ``POST`` JSON ``{"id", "entity", "action", "createAt", "payload"}`` and carries
no signature, so its body proves nothing: it is only a hint of which order changed, and the
core fetches that order with a signed call before acting. Who may post is decided by the
link's secret webhook URL (the core's check), not here. Duplicates are expected; the dedupe
key is the notification's ``id`` [A].
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from framework.connectors import WebhookHint
from framework.errors import PermanentError

from . import assumptions as A
from .mapping import describe_validation
from .models import GineeWebhook, GineeWebhookOrderPayload


def verify_webhook(body: bytes) -> WebhookHint:
    """Parse one delivery into the hint it carries (no signature exists to check).

    Args:
        body: the raw request body.

    A well-formed delivery of another module (Master Product, Fulfillment Order, …) carries
    no order to fetch: it comes back as an ignored hint, which the core stores and answers
    200 (the reference: answer HTTP 200), so Ginee neither retries it nor sees a failing
    endpoint.

    Raises:
        PermanentError: the body is not JSON or not the documented shape.
    """
    event = _parse(body)
    if event.entity != A.WEBHOOK_ORDER_ENTITY:  # a product, stock or fulfilment notification
        return WebhookHint.ignore(
            f"Ginee entity {event.entity!r} ({event.action or 'no action'}) is not an order "
            "event; jembatan acts on orders only", dedupe_key=f"ginee:{event.id}")
    try:
        payload = GineeWebhookOrderPayload.model_validate(event.payload)
    except ValidationError as exc:
        raise PermanentError(f"Ginee webhook refused: payload "
                             f"{describe_validation(exc)}") from None
    return WebhookHint(external_id=payload.order_id, platform_status=payload.order_status,
                       dedupe_key=f"ginee:{event.id}")


def _parse(body: bytes) -> GineeWebhook:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PermanentError("Ginee webhook refused: body is not JSON") from None
    if not isinstance(data, dict):
        raise PermanentError("Ginee webhook refused: body is not a JSON object")
    try:
        return GineeWebhook.model_validate(data)
    except ValidationError as exc:
        raise PermanentError(f"Ginee webhook refused: {describe_validation(exc)}") from None
