"""Webhook signatures: HMAC-SHA256 computed and compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac


def hmac_sha256(secret: str | bytes, message: str | bytes) -> bytes:
    """Return the raw HMAC-SHA256 of ``message`` under ``secret``."""
    key = secret.encode() if isinstance(secret, str) else secret
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(key, data, hashlib.sha256).digest()


def sign_base64(secret: str | bytes, message: str | bytes) -> str:
    """Return the Base64 HMAC-SHA256 signature (Ginee's style)."""
    return base64.b64encode(hmac_sha256(secret, message)).decode()


def sign_hex(secret: str | bytes, message: str | bytes) -> str:
    """Return the lowercase hex HMAC-SHA256 signature (Forstok's, Accurate's samples)."""
    return hmac_sha256(secret, message).hex()


def signature_matches(given: str | None, expected: str) -> bool:
    """Compare a received signature with the expected one in constant time."""
    if not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())
