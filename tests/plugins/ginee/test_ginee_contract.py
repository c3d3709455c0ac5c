"""Ginee against the commerce connector contract (``framework.testing.contract``).

The ``emulator``, ``connector`` and ``clock`` fixtures come from this folder's conftest: a
``GineeEmulator`` served in a thread and a ``GineeConnector`` on it, sharing a hand-moved clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from framework.domain import OrderState
from framework.errors import PermanentError
from framework.testing.contract import (
    CommerceConnectorContract,
    StoreUnderTest,
    emulated_store,
    ready_to_ship_delivery,
)
from plugins.ginee.connector import GineeConnector
from plugins.ginee.emulator import GineeEmulator

#: Ginee's ``orderStatus`` for each state the contract moves orders through.
GINEE_STATUSES = {OrderState.PAID: "PAID", OrderState.READY_TO_SHIP: "READY_TO_SHIP",
                  OrderState.CANCELLED: "CANCELLED"}


def no_signature(body: bytes) -> dict[str, str]:
    """Ginee signs no webhook [D], so a forger needs no key: the headers are just JSON's."""
    return {"content-type": "application/json"}


class TestGineeContract(CommerceConnectorContract):
    """Every contract test, on a Ginee seller account with a SHOPEE shop."""

    @pytest.fixture
    def store(self, emulator: GineeEmulator, connector: GineeConnector,
              clock) -> Iterator[StoreUnderTest]:
        with emulated_store(emulator, connector, clock=clock, statuses=GINEE_STATUSES,
                            forge_signature=no_signature) as seeded:
            yield seeded

    @pytest.mark.parametrize("forgery", ["other_status", "unknown_order"])
    def test_forged_webhook_is_refused(self, store: StoreUnderTest, forgery: str) -> None:
        """Ginee replaces the signature check: an unsigned body is only a hint.

        Anyone can post a well-formed body (the link's secret URL is what keeps strangers
        out), so a forged one must never act by itself: the hint names an order, and what
        jembatan acts on is that order fetched from Ginee.
        """
        assert store.connector.signs_webhooks is False
        order_id, (headers, body) = ready_to_ship_delivery(store)
        event = json.loads(body)
        if forgery == "other_status":
            event["payload"]["orderStatus"] = "CANCELLED"
        elif forgery == "unknown_order":
            event["payload"]["orderId"] = "SO-FORGED"
        hint = store.connector.verify_webhook(headers, json.dumps(event).encode())
        if forgery == "unknown_order":
            with pytest.raises(PermanentError, match="no order SO-FORGED"):
                store.connector.get_order(hint.external_id)
        else:
            fetched = store.connector.get_order(hint.external_id)
            assert fetched.external_id == order_id
            assert fetched.state is OrderState.READY_TO_SHIP  # Ginee's word, not the body's
