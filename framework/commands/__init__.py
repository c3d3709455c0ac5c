"""The core's operator commands; each module exposes ``COMMANDS``, added by ``framework.cli``."""
