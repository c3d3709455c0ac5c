"""The web side of jembatan: the webhook receiver (``receiver``) and the console (``app``).

The two are separate ASGI apps: webhooks are served where the worker listens, the console by
``jembatan web`` behind a login.
"""

from .app import create_console_app
from .receiver import create_web_app

__all__ = ["create_console_app", "create_web_app"]
