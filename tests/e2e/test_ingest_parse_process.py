"""A parsing process never outlives its daemon, even one killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import asyncio
from datetime import UTC, datetime
from mailrouter.config import Settings
from mailrouter.ingest_runner import ParsePool
from mailrouter.records import RECORD_COLUMNS

async def main():
    pool = ParsePool(Settings(), 1, "sqlite+pysqlite")
    raw = b"From: a@example.org\\r\\nSubject: x\\r\\n\\r\\nbody\\r\\n"
    parsed = await pool([raw], datetime.now(UTC))
    assert parsed[0].record[RECORD_COLUMNS.index("sender")] == "a@example.org"
    print(*pool._pool._processes, flush=True)
    await asyncio.sleep(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.timeout(120)
def test_the_parsing_process_ends_when_the_daemon_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "daemon.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    daemon = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert daemon.stdout is not None
        workers = [int(pid) for pid in daemon.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
        os.kill(daemon.pid, signal.SIGKILL)
        daemon.wait(10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "a parsing process outlived its daemon"
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait(10)
        if daemon.stdout is not None:
            daemon.stdout.close()
