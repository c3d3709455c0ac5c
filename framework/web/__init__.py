"""The web side of jembatan: the webhook receiver (``receiver``) and, beside it, the console.

The two are separate ASGI apps: webhooks are served where the worker listens, the console by
``jembatan web``.
"""

from .receiver import create_web_app

__all__ = ["create_web_app"]
