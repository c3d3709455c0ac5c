"""The Ginee plugin's hooks: one ``StorePlugin`` (entry point ``plugins.ginee.hooks:plugin``)."""

from __future__ import annotations

from framework import StorePlugin

from . import assumptions as A
from .connector import GineeConnector
from .mapping import canonical_state

#: Ginee allows 10 requests a second and 10 in flight per access key.
plugin = StorePlugin(GineeConnector, canonical_state, per_second=A.RATE_LIMIT_PER_SECOND,
                     in_flight=A.IN_FLIGHT_LIMIT, emulator="plugins.ginee.emulator:GineeEmulator")
