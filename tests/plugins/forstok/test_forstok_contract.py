"""Forstok against the commerce connector contract (``framework.testing.contract``).

Built on this folder's conftest: ``emulator`` is a ``ForstokEmulator`` served in a thread,
``connector`` a ``ForstokConnector`` that obtains its token from it, ``clock`` their shared time.
"""

from __future__ import annotations

import pytest

from framework.domain import OrderState
from framework.testing import contract as kit
from framework.webhooks import sign_hex
from plugins.forstok import assumptions as forstok

#: Forstok's order ``status`` word for each state the contract moves orders through.
FORSTOK_STATUSES = {OrderState.PAID: "open", OrderState.READY_TO_SHIP: "ready_to_ship",
                    OrderState.CANCELLED: "cancelled"}


def forged_signature(body: bytes) -> dict[str, str]:
    """``X-Forstok-Signature`` as hex HMAC-SHA256 under a secret that is not the seller's."""
    return {forstok.WEBHOOK_SIGNATURE_HEADER: sign_hex("fsk_someone_else", body)}


class TestForstokContract(kit.CommerceConnectorContract):
    """Every contract test, on a Forstok seller account with a Shopee shop."""

    @pytest.fixture
    def store(self, emulator, connector, clock):
        # Forstok's shops name their channel "Shopee"; the connector reports it as SHOPEE.
        with kit.emulated_store(emulator, connector, clock=clock, statuses=FORSTOK_STATUSES,
                                channel="SHOPEE", shop_channel="Shopee",
                                forge_signature=forged_signature) as seeded:
            yield seeded
