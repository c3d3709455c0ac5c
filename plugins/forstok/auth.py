"""Forstok's token exchange: a seller id and secret key buy a JWT that lives 24 hours.

``SellerToken`` holds the current JWT, asks ``<auth_url>/api/v2/auth`` for a new one when there
is none or when the seller API refused the current one, and hands every new token to the link's
``save_credentials`` (key ``token``) so the next worker starts with it. The secret key is only
ever sent to the auth endpoint; it is never logged and never leaves the credentials.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from framework.errors import ProviderTransientError

from . import assumptions as contract
from .errors import PROVIDER, answer_error

log = logging.getLogger(__name__)

#: sends one HTTP request (the client's gated ``request``); used for the exchange.
Sender = Callable[..., httpx.Response]


class SellerToken:
    """The JWT of one Forstok seller, renewed on demand.

    Args:
        auth_url: root of Forstok's auth service (``https://integration.forstok.com``).
        seller_id: the seller's Forstok id (``id`` in the exchange).
        credentials: the link's credentials: ``secret_key`` and optionally a cached ``token``.
        save: persists rotated credentials (``LinkContext.save_credentials``).
    """

    def __init__(self, auth_url: str, seller_id: str, credentials: Mapping[str, Any],
                 save: Callable[[Mapping[str, Any]], None]) -> None:
        self.auth_url = auth_url.rstrip("/")
        self.seller_id = seller_id
        self._credentials = dict(credentials)
        self._save = save
        self._lock = threading.Lock()
        self.renewals = 0

    @property
    def current(self) -> str | None:
        """The token in use, if any."""
        return self._credentials.get("token") or None

    def get(self, send: Sender) -> str:
        """Return a token, exchanging the secret for one if none is cached."""
        with self._lock:
            token = self.current
            if token:
                return token
            return self._exchange(send)

    def renew(self, send: Sender, refused: str) -> str:
        """Replace the token the seller API just refused; another thread may have done it."""
        with self._lock:
            token = self.current
            if token and token != refused:
                return token
            return self._exchange(send)

    def _exchange(self, send: Sender) -> str:
        secret = self._credentials.get("secret_key")
        body = {"id": self._seller_id_value(), "secret_key": secret,
                "type": contract.AUTH_TYPE_SELLER}
        response = send("POST", self.auth_url + contract.AUTH_PATH, json=body)
        if not response.is_success:
            raise answer_error(response)
        token = _token_from(response)
        self._credentials["token"] = token
        self.renewals += 1
        log.info("renewed the Forstok token of seller %s", self.seller_id)
        self._save(dict(self._credentials))
        return token

    def _seller_id_value(self) -> int | str:
        # Forstok's ids are numbers; send a number when the setting holds one.
        return int(self.seller_id) if self.seller_id.isdigit() else self.seller_id


def _token_from(response: httpx.Response) -> str:
    try:
        token = response.json()[contract.DATA_KEY]["token"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ProviderTransientError(
            "Forstok's auth answer carries no token", provider=PROVIDER,
            status_code=response.status_code, body=response.text[:500]) from exc
    if not isinstance(token, str) or not token:
        raise ProviderTransientError("Forstok's auth answer carries an empty token",
                                     provider=PROVIDER, status_code=response.status_code)
    return token
