"""Ginee's order-status webhook [A]: signature check, staleness, and the hint it carries.

A delivery is only a hint: the core fetches the order by id before acting. What this module
guarantees is that a hint came from someone holding the secret key, is recent, and is well
formed; anything else raises ``PermanentError`` (the core answers 4xx and keeps the raw body).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from pydantic import ValidationError

from framework.connectors import WebhookHint
from framework.errors import PermanentError
from framework.webhooks import signature_matches

from . import assumptions as A
from .mapping import describe_validation
from .models import GineeWebhook
from .signing import webhook_signature


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Return a header by name, whatever its case."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def verify_webhook(secret_key: str, headers: Mapping[str, str], body: bytes,
                   now: datetime) -> WebhookHint:
    """Verify one delivery and return its hint.

    Args:
        secret_key: the link's Ginee secret key.
        headers: the request headers.
        body: the raw request body, exactly as received (the signature covers these bytes).
        now: the connector's clock, for the staleness check.

    Raises:
        PermanentError: the signature is missing or wrong, the body is malformed, or the
            delivery is stale (older than ``WEBHOOK_MAX_AGE``) or dated in the future.
    """
    given = header_value(headers, A.WEBHOOK_SIGNATURE_HEADER)
    if not signature_matches(given, webhook_signature(secret_key, body)):
        raise PermanentError(f"Ginee webhook refused: {A.WEBHOOK_SIGNATURE_HEADER} is missing "
                             "or does not match the body")
    event = _parse(body)
    age = now - event.update_at
    if age > A.WEBHOOK_MAX_AGE:
        raise PermanentError(f"Ginee webhook refused: stale, updateAt "
                             f"{event.update_at.isoformat()} is older than {A.WEBHOOK_MAX_AGE}")
    if -age > A.WEBHOOK_MAX_SKEW:
        raise PermanentError(f"Ginee webhook refused: updateAt {event.update_at.isoformat()} "
                             "is in the future")
    return WebhookHint(
        external_id=event.order_id,
        platform_status=event.order_status,
        dedupe_key=f"ginee:{event.order_id}:{event.order_status}:{event.update_at.isoformat()}",
    )


def _parse(body: bytes) -> GineeWebhook:
    try:
        data = json.loads(body)
    except ValueError:
        raise PermanentError("Ginee webhook refused: body is not JSON") from None
    if not isinstance(data, dict):
        raise PermanentError("Ginee webhook refused: body is not a JSON object")
    try:
        event = GineeWebhook.model_validate(data)
    except ValidationError as exc:
        raise PermanentError(f"Ginee webhook refused: {describe_validation(exc)}") from None
    if event.type != A.WEBHOOK_TYPE:
        raise PermanentError(f"Ginee webhook refused: unexpected type {event.type!r}")
    return event
