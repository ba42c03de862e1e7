"""`run_forever` serves the console when ``web.enabled`` (and not when disabled)."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from mailrouter import daemon
from mailrouter.config import Secret, Settings, SmtpSettings, WebSettings
from mailrouter.testing.servers import SmtpSink, free_port


def _health(port: int) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        assert json.loads(response.read())["database"] == "ok"
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


def _run_daemon(
    settings: Settings, sessions: sessionmaker[Session], port: int, wait: float = 20.0
) -> int | None:
    """Start the daemon, poll /health for up to ``wait`` s, stop it; the first answer's status."""
    ready = threading.Event()
    holder: dict[str, object] = {}

    async def main() -> None:
        stop = asyncio.Event()
        holder["loop"], holder["stop"] = asyncio.get_running_loop(), stop
        ready.set()
        await daemon.run_forever(settings, sessions, stop)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    status = None
    deadline = time.monotonic() + wait
    while status is None and time.monotonic() < deadline:
        status = _health(port)
        if status is None:
            time.sleep(0.2)
    loop, stop = holder["loop"], holder["stop"]
    assert isinstance(loop, asyncio.AbstractEventLoop) and isinstance(stop, asyncio.Event)
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    assert not thread.is_alive()
    return status


def test_daemon_serves_the_console(sessions: sessionmaker[Session], smtp_sink: SmtpSink) -> None:
    port = free_port()
    settings = Settings(
        smtp=SmtpSettings(port=smtp_sink.port),
        web=WebSettings(port=port, secret_key=Secret("k" * 32)),
    )
    assert _run_daemon(settings, sessions, port) == 200
    disabled = Settings(
        smtp=SmtpSettings(port=smtp_sink.port), web=WebSettings(enabled=False, port=port)
    )
    # Polls for the whole 3 s (the enabled console answered well within that): silence.
    assert _run_daemon(disabled, sessions, port, wait=3.0) is None
