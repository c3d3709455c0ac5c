"""The emulator's JWTs: HS256 tokens that name the seller and expire after 24 hours."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from framework.webhooks import hmac_sha256, signature_matches

from .. import assumptions as contract


class TokenRefused(Exception):
    """The seller API refuses a token; the message is Forstok's ``error`` text."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(signing_key: str, seller_id: str, now: datetime) -> str:
    """Return a JWT for ``seller_id`` valid for ``TOKEN_LIFETIME`` from ``now``."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": seller_id, "iat": int(now.timestamp()),
              "exp": int((now + contract.TOKEN_LIFETIME).timestamp())}
    payload = _b64(json.dumps(claims).encode())
    signature = _b64(hmac_sha256(signing_key, f"{header}.{payload}"))
    return f"{header}.{payload}.{signature}"


def check(signing_key: str, token: str, now: datetime) -> dict[str, Any]:
    """Return a token's claims, or raise ``TokenRefused`` (invalid, or expired at ``now``)."""
    parts = token.split(".")
    if len(parts) != 3:  # noqa: PLR2004 - header.payload.signature
        raise TokenRefused(contract.MESSAGE_INVALID_TOKEN)
    expected = _b64(hmac_sha256(signing_key, f"{parts[0]}.{parts[1]}"))
    if not signature_matches(parts[2], expected):
        raise TokenRefused(contract.MESSAGE_INVALID_TOKEN)
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError as exc:
        raise TokenRefused(contract.MESSAGE_INVALID_TOKEN) from exc
    if now.timestamp() >= claims.get("exp", 0):
        raise TokenRefused(contract.MESSAGE_TOKEN_EXPIRED)
    return claims
