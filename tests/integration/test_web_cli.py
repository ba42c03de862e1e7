"""`mailrouter web` as a real process, and the daemon's console task when its port is taken."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from mailrouter.config import Settings, WebSettings
from mailrouter.store import db
from mailrouter.web.server import bind, run_console


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _get(port: int, path: str) -> tuple[int, str] | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    except OSError:
        return None
    finally:
        conn.close()


def test_web_command_serves_until_sigterm(tmp_path: Path) -> None:
    db_file = tmp_path / "data" / "mailrouter.sqlite3"
    db_file.parent.mkdir()
    engine = db.make_engine(f"sqlite:///{db_file}")
    db.upgrade(engine)
    engine.dispose()
    config = tmp_path / "mailrouter.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{db_file}"\n[logging]\nformat = "text"\n', encoding="utf-8"
    )
    port = _free_port()
    child = subprocess.Popen(
        [sys.executable, "-m", "mailrouter", "--config", str(config), "web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        answer = None
        while answer is None and time.monotonic() < deadline:
            answer = _get(port, "/health")
            if answer is None:
                assert child.poll() is None, child.communicate()[0].decode()
                time.sleep(0.2)
        assert answer is not None
        status, body = answer
        assert status == 200
        assert json.loads(body) == {
            "database": "ok",
            "mailboxes": {},
            "outbox_parked": 0,
            "status": "ok",
        }
        metrics = _get(port, "/metrics")
        assert metrics is not None and "mailrouter_outbox_parked 0.0" in metrics[1]
        # No web.secret_key: one was generated beside the database, private.
        key = db_file.parent / "web-secret.key"
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    finally:
        os.kill(child.pid, signal.SIGTERM)
        output = child.communicate(timeout=30)[0].decode()
    assert child.returncode == 0, output
    assert "web.started" in output and "web.stopped" in output


def test_console_task_survives_a_taken_port(caplog: pytest.LogCaptureFixture) -> None:
    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    settings = Settings(web=WebSettings(host="127.0.0.1", port=port))

    async def main() -> None:
        stop = asyncio.Event()
        # Never used: the port is taken before any request could arrive.
        task = asyncio.create_task(run_console(settings, sessionmaker(), stop))
        await asyncio.sleep(0.2)
        assert not task.done()  # waiting for the daemon to stop, not failed
        stop.set()
        await asyncio.wait_for(task, 5)

    try:
        with caplog.at_level(logging.ERROR):
            asyncio.run(main())
    finally:
        taken.close()
    assert f"web.bind_failed host=127.0.0.1 port={port}" in caplog.text
