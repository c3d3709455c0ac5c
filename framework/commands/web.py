"""``jembatan web``: the webhook receiver and status page."""

from __future__ import annotations

import click
import uvicorn


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8700, show_default=True, help="Port to listen on.")
@click.pass_obj
def web(app, host, port) -> None:
    """Serve webhooks (POST /webhooks/LINK/TOKEN) and the status page (GET /) on HOST:PORT.

    Point the store's webhook settings at the URL `jembatan link webhook-url LINK` shows
    (it carries the link's secret token). Run `jembatan worker` beside it to post the
    documents the webhooks queue.
    """
    from ..web import create_web_app

    real_app = app.get() if hasattr(type(app), "get") else app  # ctx.obj may be a LazyApp
    uvicorn.run(create_web_app(real_app), host=host, port=port, log_level="warning")


COMMANDS = [web]
