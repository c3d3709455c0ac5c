"""Ginee's request signature [D; C: four independent implementations].

``Authorization: <accessKey>:<Base64(HMAC-SHA256(secretKey, METHOD$URI$))>``, where URI is the
path only and the body is not signed. Ginee's webhooks carry no signature (see webhook.py).
"""

from __future__ import annotations

from framework.webhooks import sign_base64, signature_matches


def request_signature(secret_key: str, method: str, uri: str) -> str:
    """Return the Base64 signature of one request.

    Args:
        secret_key: the seller's secret key.
        method: the HTTP method, e.g. ``POST``.
        uri: the request path only, e.g. ``/openapi/order/v2/list-order``.
    """
    return sign_base64(secret_key, f"{method.upper()}${uri}$")


def authorization_header(access_key: str, secret_key: str, method: str, uri: str) -> str:
    """Return the ``Authorization`` header value for one request."""
    return f"{access_key}:{request_signature(secret_key, method, uri)}"


def authorization_valid(header: str | None, keys: dict[str, str], method: str, uri: str) -> bool:
    """Check an ``Authorization`` header against known keys in constant time (emulator side).

    Args:
        header: the header as received, or ``None``.
        keys: access key -> secret key.
        method: the request's method.
        uri: the request's path.
    """
    if not header or ":" not in header:
        return False
    access_key, _, given = header.partition(":")
    secret_key = keys.get(access_key)
    if secret_key is None:
        return False
    return signature_matches(given, request_signature(secret_key, method, uri))
