"""A local emulator of Ginee's OpenAPI (see ``app.GineeEmulator``)."""

from .app import GineeEmulator

__all__ = ["GineeEmulator"]
