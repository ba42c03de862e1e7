"""Two `mailrouter run` daemons on one database, then a restart: each digest arrives once.

The digest time is midnight and every day is a digest day, so a daemon started
now finds today's digests due and catches up at once (the same path as a daemon
that was down at the digest time). Both daemons do; the restarted one does
again. The real SMTP sink must receive exactly one message per recipient.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import DatabaseSettings, DigestSettings, Settings
from mailrouter.digest import sample
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.testing.servers import SmtpSink

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, url: str, sink: SmtpSink, settings: Settings) -> Path:
    spocs = "".join(
        f'[[spocs]]\nid = "{s.id}"\nname = "{s.name}"\nemail = "{s.email}"\n'
        f'deputy = "{s.deputy}"\nabsent = {str(s.absent).lower()}\n\n'
        for s in settings.spocs
    )
    config = tmp_path / "mailrouter.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {sink.port}\nsecurity = "none"\n\n'
        '[digest]\ntime = "00:00"\nworking_days_only = false\n\n'
        "[web]\nenabled = false\n\n"
        '[logging]\nformat = "text"\n\n'
        f"{spocs}",
        encoding="utf-8",
    )
    return config


def _start(config: Path, tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    # The child keeps its own copy of the descriptor; ours closes at once.
    with (tmp_path / f"{name}.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "mailrouter", "--config", str(config), "run"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait(
    sink: SmtpSink, count: int, procs: list[subprocess.Popen[bytes]], logs: list[Path]
) -> None:
    deadline = time.monotonic() + 240
    while len(sink.messages) < count and time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), [log.read_text()[-3000:] for log in logs]
        time.sleep(0.2)


def _wait_for_log(logs: list[Path], text: str, procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 240
    while not all(text in log.read_text() for log in logs) and time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), [log.read_text()[-3000:] for log in logs]
        time.sleep(0.2)
    assert all(text in log.read_text() for log in logs), [log.read_text()[-3000:] for log in logs]


def test_two_daemons_and_a_restart_send_each_digest_once(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    now = datetime.now(UTC)
    settings = sample.settings_for(
        replace(
            Settings(base_dir=str(tmp_path)),
            database=DatabaseSettings(url=url),
            digest=DigestSettings(time="00:00", working_days_only=False),
        )
    )
    sample.seed(sessions, settings, now=now)
    config = _config(tmp_path, url, smtp_sink, settings)
    today = now.astimezone(settings.tz).date().isoformat()
    expected = {
        f"digest:spoc:jsmith:{today}": ("jane.smith@council.example",),
        f"digest:spoc:akhan:{today}": ("asha.khan@council.example",),
        f"digest:spoc:bpatel:{today}": ("asha.khan@council.example",),
        f"digest:ig:ig:{today}": ("information.governance@council.example",),
    }

    daemons = [_start(config, tmp_path, f"daemon{i}") for i in range(2)]
    logs = [tmp_path / f"daemon{i}.log" for i in range(2)]
    try:
        _wait(smtp_sink, 4, daemons, logs)
        # Both daemons must be up (a slow one could otherwise be stopped before it
        # installed its signal handlers). Both add the catch-up job to the shared job
        # store; whichever scheduler fires it, it ran with two daemons live.
        _wait_for_log(logs, "daemon.started", daemons)
        time.sleep(3)  # room for a duplicate to show up, if there were one
    finally:
        _stop(daemons)
    assert [d.returncode for d in daemons] == [0, 0], [log.read_text()[-3000:] for log in logs]

    restarted = [_start(config, tmp_path, "restarted")]
    log_path = tmp_path / "restarted.log"
    try:
        # Its start-up catch-up run fires at once and finds everything recorded.
        _wait_for_log([log_path], "digest.recorded", restarted)
        time.sleep(2)  # room for a duplicate to show up, if there were one
    finally:
        _stop(restarted)
    log = log_path.read_text()
    assert restarted[0].returncode == 0, log[-3000:]
    assert "recorded=0 already=4" in log, log[-3000:]

    got: dict[str, tuple[str, ...]] = {}
    for received in smtp_sink.messages:
        key = str(received.message["X-Mailrouter-Digest"])
        assert key not in got, f"{key} delivered twice"
        got[key] = received.rcpt_tos
    assert got == expected
    with sessions() as session:
        assert session.scalars(select(DigestSend.sent_at)).all().count(None) == 0
        assert len(session.scalars(select(DigestSend)).all()) == 4
        states = session.scalars(select(OutboxRow.state).where(OutboxRow.kind == "digest")).all()
        assert list(states) == [OutboxState.done] * 4
