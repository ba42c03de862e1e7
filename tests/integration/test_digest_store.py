"""The digest_sends migration matches its model; the performer parks or retries failures."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import DatabaseSettings, Settings, SmtpSettings
from mailrouter.digest import sample
from mailrouter.digest.ig import ig_summary
from mailrouter.digest.performer import DigestPerformer
from mailrouter.digest.send import build, send_day
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.store.models import Base
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.testing.servers import SmtpSink
from mailrouter.web.signing import TokenError, load_secret, verify_read_token

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_migration_matches_the_model(engine: Engine) -> None:
    only = MetaData()
    DigestSend.__table__.to_metadata(only)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _digest_only}
        )
        assert compare_metadata(context, only) == []
    assert "digest_sends" in Base.metadata.tables


def _digest_only(name: str | None, kind: str, parent: object) -> bool:
    return kind != "table" or name == "digest_sends"


def _performer(
    settings: Settings, sessions: sessionmaker[Session], transport: SmtpTransport
) -> DigestPerformer:
    return DigestPerformer(
        sessions=sessions,
        transport=transport,
        settings=settings,
        worker_id="test:1",
        clock=lambda: NOW + timedelta(minutes=1),
    )


def test_a_refused_digest_is_parked_and_shown_to_ig_a_deferred_one_retried(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    settings = sample.settings_for(
        Settings(
            base_dir=str(tmp_path),
            database=DatabaseSettings(url=url),
            smtp=SmtpSettings(host="127.0.0.1", port=smtp_sink.port, security="none"),
        )
    )
    sample.seed(sessions, settings, now=NOW)
    send_day(
        sessions, settings, day=NOW.date(), now=NOW, spoc_ids=["jsmith", "akhan"], include_ig=False
    )

    async def run(reply: str) -> None:
        smtp_sink.reject_with = reply
        async with SmtpTransport(settings.smtp) as transport:
            await _performer(settings, sessions, transport).run_once(limit=1)

    asyncio.run(run("451 4.3.0 try again later"))
    asyncio.run(run("550 5.1.1 mailbox unknown"))
    with sessions() as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.kind == "digest").order_by(OutboxRow.id)
        ).all()
        assert [r.state for r in rows] == [OutboxState.pending, OutboxState.parked]
        assert rows[0].not_before > NOW + timedelta(minutes=1)  # backing off
        assert "550" in (rows[1].last_error or "")
        assert session.scalars(select(DigestSend.sent_at)).all() == [None, None]
        summary = ig_summary(session, settings, day=NOW.date(), now=NOW + timedelta(minutes=2))
    assert [p.kind for p in summary.parked] == ["forward", "digest"]
    assert smtp_sink.messages == []


def test_read_links_carry_tokens_the_console_accepts(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    settings = sample.settings_for(
        Settings(base_dir=str(tmp_path), database=DatabaseSettings(url=url))
    )
    found = sample.seed(sessions, settings, now=NOW)
    with sessions() as session:
        items, _ = build(session, settings, day=NOW.date(), now=NOW, include_ig=False)
    secret = load_secret(settings)
    by_spoc = {item.recipient_id: item.rendered.text for item in items}
    tokens = re.findall(r"Mark read: http://127\.0\.0\.1:8025/read/(\S+)", by_spoc["bpatel"])
    # Ben is away: his digest's links let his deputy, who reads it, mark Dora's mail read.
    assert [verify_read_token(secret, t, NOW) for t in tokens] == [
        (found.messages["dora"], "akhan")
    ]
    [sar] = [
        t
        for t in re.findall(r"Mark read: \S+/read/(\S+)", by_spoc["jsmith"])
        if verify_read_token(secret, t, NOW)[0] == found.messages["peter_sar"]
    ]
    assert verify_read_token(secret, sar, NOW)[1] == "jsmith"
    with pytest.raises(TokenError):
        verify_read_token(secret, sar, NOW + timedelta(days=8))  # links last a week
