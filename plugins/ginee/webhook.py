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

    Raises:
        PermanentError: the body is not JSON, not the documented shape, or not an order
            event (other modules' deliveries carry no order to fetch).
    """
    event = _parse(body)
    if event.entity != A.WEBHOOK_ORDER_ENTITY:
        raise PermanentError(f"Ginee webhook ignored: entity {event.entity!r} is not an order "
                             "event (jembatan subscribes to the Order module only)")
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
