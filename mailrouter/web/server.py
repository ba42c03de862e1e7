"""Serving the console: inside `mailrouter run` (a task of the daemon) or `mailrouter web`."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.web.app import Clock, Console, make_app
from mailrouter.web.signing import load_secret

log = logging.getLogger(__name__)

# How long in-flight requests get when the daemon stops (SIGTERM must finish promptly).
SHUTDOWN_SECONDS = 5.0


def _utcnow() -> datetime:
    return datetime.now(UTC)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (IPv4 or IPv6; port 0 picks a free one)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


async def serve(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: asyncio.Event,
    clock: Clock = _utcnow,
    *,
    sock: socket.socket | None = None,
) -> None:
    """Serve until ``stop`` is set; binds ``web.host``:``web.port`` unless given a socket."""
    secret = await asyncio.to_thread(load_secret, settings)
    app = make_app(Console(settings, sessions, secret, clock))
    # No access log: a read link's path is its token. Requests are logged by route instead.
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS
    )
    await runner.setup()
    listening = sock if sock is not None else bind(settings.web.host, settings.web.port)
    try:
        await web.SockSite(runner, listening).start()
        host, port = listening.getsockname()[:2]
        log.info("web.started host=%s port=%d", host, port)
        await stop.wait()
    finally:
        await runner.cleanup()
        listening.close()
        log.info("web.stopped")


async def run_console(
    settings: Settings,
    sessions: sessionmaker[Session],
    stop: asyncio.Event,
    clock: Clock = _utcnow,
) -> None:
    """The daemon's console task: a console that cannot bind is logged, not fatal.

    Mail keeps being diverted when, say, the port is taken; the error says why
    ``/health`` is not answering.
    """
    try:
        sock = bind(settings.web.host, settings.web.port)
    except OSError as exc:
        log.error(
            "web.bind_failed host=%s port=%d error=%s",
            settings.web.host,
            settings.web.port,
            exc.strerror or type(exc).__name__,
        )
        await stop.wait()
        return
    await serve(settings, sessions, stop, clock, sock=sock)
