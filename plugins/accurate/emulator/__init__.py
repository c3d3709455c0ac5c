"""A local emulator of Accurate Online's API (account host and data host on one server)."""

from .app import KINDS, RATE_LIMIT_TEXT, AccurateEmulator

__all__ = ["KINDS", "RATE_LIMIT_TEXT", "AccurateEmulator"]
