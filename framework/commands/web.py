"""``jembatan web``: the operator's console (log in, integrate, configure, re-push)."""

from __future__ import annotations

import click
import uvicorn


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Keep 127.0.0.1 and put a TLS proxy in front to "
                   "reach the console from elsewhere (docs/console.md).")
@click.option("--port", default=8700, show_default=True, help="Port to listen on.")
@click.option("--public-url", default=None, metavar="URL",
              help="The console's address as browsers see it, e.g. https://jembatan.example.id "
                   "(behind a proxy): OAuth callbacks and Secure cookies use it.")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="Proxies whose X-Forwarded-Proto/For headers are trusted.")
@click.pass_obj
def web(app, host, port, public_url, forwarded_allow_ips) -> None:
    """Serve the web console on HOST:PORT (log in with a `jembatan users add` account).

    Webhooks are not served here: `jembatan worker --listen` serves them. The console needs a
    running `jembatan worker` to send what it queues (re-pushes, syncs).
    """
    from ..web import create_console_app

    real_app = app.get() if hasattr(type(app), "get") else app  # ctx.obj may be a LazyApp
    console = create_console_app(real_app, public_url=public_url)
    click.echo(f"jembatan console on http://{host}:{port} (Ctrl-C stops)")
    uvicorn.run(console, host=host, port=port, log_level="warning", proxy_headers=True,
                forwarded_allow_ips=forwarded_allow_ips)


COMMANDS = [web]
