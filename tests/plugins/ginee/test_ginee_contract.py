"""Ginee against the commerce connector contract (``framework.testing.contract``).

The ``emulator``, ``connector`` and ``clock`` fixtures come from this folder's conftest: a
``GineeEmulator`` served in a thread and a ``GineeConnector`` on it, sharing a hand-moved clock.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from framework.domain import OrderState
from framework.testing.contract import CommerceConnectorContract, StoreUnderTest, emulated_store
from plugins.ginee import assumptions as A
from plugins.ginee.connector import GineeConnector
from plugins.ginee.emulator import GineeEmulator
from plugins.ginee.signing import webhook_signature

#: Ginee's ``orderStatus`` for each state the contract moves orders through.
GINEE_STATUSES = {OrderState.PAID: "PAID", OrderState.READY_TO_SHIP: "READY_TO_SHIP",
                  OrderState.CANCELLED: "CANCELLED"}


def signed_by_a_stranger(body: bytes) -> dict[str, str]:
    """An ``X-Ginee-Signature`` made with a secret key that is not the seller's."""
    return {A.WEBHOOK_SIGNATURE_HEADER: webhook_signature("sk-not-the-sellers-key", body)}


class TestGineeContract(CommerceConnectorContract):
    """Every contract test, on a Ginee seller account with a SHOPEE shop."""

    @pytest.fixture
    def store(self, emulator: GineeEmulator, connector: GineeConnector,
              clock) -> Iterator[StoreUnderTest]:
        with emulated_store(emulator, connector, clock=clock, statuses=GINEE_STATUSES,
                            forge_signature=signed_by_a_stranger) as seeded:
            yield seeded
