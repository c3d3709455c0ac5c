"""The Forstok plugin's hooks: one ``StorePlugin`` (entry point ``…forstok.hooks:plugin``)."""

from __future__ import annotations

from framework import StorePlugin

from . import assumptions as contract
from .connector import ForstokConnector
from .mapping import map_status

#: Forstok allows 5 requests a second per seller token.
plugin = StorePlugin(ForstokConnector, map_status, per_second=contract.RATE_LIMIT_PER_SECOND,
                     in_flight=contract.IN_FLIGHT_PER_SELLER,
                     emulator="plugins.forstok.emulator:ForstokEmulator")
