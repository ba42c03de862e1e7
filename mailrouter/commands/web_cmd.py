"""`mailrouter web`: the console on its own (`mailrouter run` serves it too when enabled)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import click

from mailrouter import daemon, logs
from mailrouter.app import App
from mailrouter.web.server import serve


@click.command("web")
@click.option("--host", default=None, help="Address to bind (default: web.host).")
@click.option("--port", type=int, default=None, help="Port to bind (default: web.port).")
@click.pass_obj
def web(app: App, host: str | None, port: int | None) -> None:
    """Serve /health, /metrics, signed read links and the IG pages until stopped."""
    settings = app.settings()
    logs.configure(settings.logging.level, settings.logging.format)
    sessions = app.sessions()
    if host is not None or port is not None:
        web_settings = replace(
            settings.web,
            host=host if host is not None else settings.web.host,
            port=port if port is not None else settings.web.port,
        )
        settings = replace(settings, web=web_settings)

    async def main() -> None:
        stop = asyncio.Event()
        daemon.install_signal_handlers(stop)
        await serve(settings, sessions, stop)

    asyncio.run(main())
