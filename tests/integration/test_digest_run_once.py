"""`mailrouter run --once` does the day's due jobs: today's digests once, held replies released.

On both databases with the real aiosmtpd sink, through the daemon's own
``run_once`` with a fixed clock (as ``run --once`` calls it) and through the
CLI itself. Before the digest time, or on a weekend, nothing is recorded;
after it, each of the day's four digests is recorded and delivered once,
however many one-shot runs follow, two of them at once included.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import daemon
from mailrouter.cli import cli
from mailrouter.config import DetectionSettings, Settings
from mailrouter.digest import sample, schedule
from mailrouter.replies import hold
from mailrouter.store import db
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.replies import HELD, HeldReply
from mailrouter.testing.servers import SmtpSink
from tests.integration.test_digest_once import EXPECTED, settings_for, url_of

MONDAY = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)


def settings_without_detection(engine: Engine, tmp_path: Path, sink: SmtpSink) -> Settings:
    """The sample's settings; the sample's mail is routed already, so no detection models."""
    settings = settings_for(url_of(engine), tmp_path, sink)
    return replace(settings, detection=DetectionSettings(enabled=False))


def one_shot(settings: Settings, sessions: sessionmaker[Session], at: datetime) -> int:
    summary = asyncio.run(daemon.run_once(settings, sessions, clock=lambda: at, due_jobs=True))
    return summary.digests


def digests_in(sink: SmtpSink) -> dict[str, tuple[str, ...]]:
    """The digests delivered (a held reply the same runs release is not one)."""
    found: dict[str, tuple[str, ...]] = {}
    for received in sink.messages:
        key = received.message["X-Mailrouter-Digest"]
        if key is not None:
            assert str(key) not in found, f"{key} delivered twice"
            found[str(key)] = received.rcpt_tos
    return found


def recorded(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(DigestSend)) or 0)


def test_a_one_shot_run_sends_todays_digests_once_when_due(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    settings = settings_without_detection(engine, tmp_path, smtp_sink)
    sample.seed(sessions, settings, now=MONDAY - timedelta(hours=1))
    # Too early, then a Sunday: the daemon would send nothing, and nor does a one-shot run.
    assert one_shot(settings, sessions, MONDAY.replace(hour=7, minute=59)) == 0
    assert one_shot(settings, sessions, MONDAY - timedelta(days=1)) == 0
    assert recorded(sessions) == 0 and digests_in(smtp_sink) == {}

    assert one_shot(settings, sessions, MONDAY) == 4
    assert digests_in(smtp_sink) == {k: (v,) for k, v in EXPECTED.items()}

    async def two_at_once() -> list[daemon.PassSummary]:
        return list(
            await asyncio.gather(
                *(
                    daemon.run_once(settings, sessions, clock=lambda: MONDAY, due_jobs=True)
                    for _ in range(2)
                )
            )
        )

    assert [s.digests for s in asyncio.run(two_at_once())] == [0, 0]
    assert one_shot(settings, sessions, MONDAY + timedelta(hours=6)) == 0
    assert recorded(sessions) == 4
    assert len(digests_in(smtp_sink)) == 4, "each digest delivered exactly once"
    # Without the due jobs (the library default), a pass records no digests.
    plain = asyncio.run(daemon.run_once(settings, sessions, clock=lambda: MONDAY))
    assert plain.digests == 0


def test_a_one_shot_run_releases_what_the_daily_release_would(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    settings = settings_without_detection(engine, tmp_path, smtp_sink)
    sample.seed(sessions, settings, now=MONDAY - timedelta(hours=3))

    def states() -> dict[str, str]:
        with sessions() as session:
            rows = session.execute(select(HeldReply.subject, HeldReply.state)).all()
            return dict(rows)

    # Before the daily release time nothing leaves, as with the daemon's 07:00 job.
    one_shot(settings, sessions, MONDAY.replace(hour=6, minute=55))
    assert states() == {"Re: Bins again": HELD, "Your complaint": HELD}
    # From then on, what is due today goes (Sam's complaint deadline has passed), once.
    one_shot(settings, sessions, MONDAY.replace(hour=7, minute=5))
    one_shot(settings, sessions, MONDAY.replace(hour=7, minute=6))
    assert states() == {"Re: Bins again": HELD, "Your complaint": "sent"}
    replies = [r for r in smtp_sink.messages if r.message["X-Mailrouter-Digest"] is None]
    assert [str(r.message["Subject"]) for r in replies] == ["Your complaint"]
    with db.transaction(sessions) as session:
        assert hold.release_due(session, now=MONDAY, settings=settings) == []


def test_the_cli_one_shot_reports_the_digests_it_recorded(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    settings = settings_without_detection(engine, tmp_path, smtp_sink)
    sample.seed(sessions, settings, now=datetime.now(UTC))
    config = tmp_path / "mailrouter.toml"
    extra = (
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_sink.port}\nsecurity = "none"\n'
        "[web]\nenabled = false\n[detection]\nenabled = false\n"
    )
    config.write_text(sample.config_toml(settings, url_of(engine), extra))
    due = schedule.due_day(datetime.now(UTC), settings) is not None
    result = CliRunner().invoke(cli, ["--config", str(config), "run", "--once"])
    assert result.exit_code == 0, result.output
    expected = 4 if due else 0
    assert f"recorded {expected} digest(s)" in result.output
    again = CliRunner().invoke(cli, ["--config", str(config), "run", "--once"])
    assert "recorded 0 digest(s)" in again.output
    assert recorded(sessions) == expected
