"""A local emulator of Forstok's seller API (see ``app.ForstokEmulator``)."""

from .app import EmulatorClock, ForstokEmulator

__all__ = ["EmulatorClock", "ForstokEmulator"]
