"""The "reply" performer on both databases, sending to a real aiosmtpd sink.

Released replies reach the customer from the managed contact address, threaded
under their message, and are recorded as sent with the Message-ID they went
with. A crash between the relay's 250 and the commit repeats the send with the
same Message-ID; two performers at once send each reply exactly once.
"""

from __future__ import annotations

import asyncio
import email
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.compose import message_id_for
from mailrouter.config import Settings, SmtpSettings
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.replies import hold
from mailrouter.replies.performer import ReplyPerformer
from mailrouter.store import db
from mailrouter.store.models import OutboxRow, OutboxState
from mailrouter.store.models.replies import SENT, HeldReply
from mailrouter.testing.servers import SmtpSink
from tests.integration.test_replies_hold import REFERENCE, draft, seed_case, seed_message

CAPTURED = datetime(2026, 1, 26, 10, 0, tzinfo=UTC)
RELEASE = datetime(2026, 2, 6, 7, 0, tzinfo=UTC)


class Crash(BaseException):
    """Stands for the process dying: nothing after it runs, nothing is recorded."""


class Clock:
    def __init__(self) -> None:
        self.now = RELEASE

    def __call__(self) -> datetime:
        return self.now


def settings_for(sink: SmtpSink) -> Settings:
    return Settings(smtp=SmtpSettings(port=sink.port, from_address="mc@council.example"))


def released(sessions: sessionmaker[Session], settings: Settings, count: int) -> None:
    seed_case(sessions)
    for n in range(1, count + 1):
        seed_message(sessions, n, [])
        with db.transaction(sessions) as session:
            hold.capture(
                session,
                case_reference=REFERENCE,
                raw=draft(n),
                actor="jsmith",
                now=CAPTURED,
                settings=settings,
            )
    with db.transaction(sessions) as session:
        assert len(hold.release_due(session, now=RELEASE, settings=settings)) == count


def performer(
    sessions: sessionmaker[Session],
    settings: Settings,
    transport: SmtpTransport,
    name: str,
    clock: Clock | None = None,
) -> ReplyPerformer:
    return ReplyPerformer(
        sessions=sessions,
        transport=transport,
        settings=settings,
        worker_id=name,
        clock=clock or Clock(),
        lease=timedelta(minutes=5),
    )


def test_a_released_reply_is_sent_threaded_and_recorded(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    settings = settings_for(smtp_sink)
    released(sessions, settings, 1)

    async def go() -> int:
        async with SmtpTransport(settings.smtp) as transport:
            return await performer(sessions, settings, transport, "p1").run_once()

    assert asyncio.run(go()) == 1
    [got] = smtp_sink.wait_for(1)
    assert got.rcpt_tos == ("jo@example.org",)
    message = email.message_from_bytes(got.data, policy=default_policy)
    with sessions() as session:
        reply = session.scalars(select(HeldReply)).one()
        row = session.scalars(select(OutboxRow)).one()
    assert message["Message-ID"] == message_id_for(f"reply:{reply.id}", "mc@council.example")
    assert message["From"] == "mc@council.example"
    assert message["To"] == "jo@example.org"
    assert message["In-Reply-To"] == "<orig1@example.org>"
    assert message["References"] == "<older@example.org> <orig1@example.org>"
    assert message["Cc"] is None and message["X-Mailer"] is None
    assert message["Subject"] == "Re: Repairs 1"
    assert "we will fix it" in message.get_body().get_content()  # type: ignore[union-attr]
    assert (reply.state, reply.sent_at, reply.message_id) == (SENT, RELEASE, message["Message-ID"])
    assert row.state is OutboxState.done


def test_a_crash_after_sending_resends_with_the_same_message_id(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(smtp_sink)
    released(sessions, settings, 1)

    def crash(*_args: object) -> None:
        raise Crash

    async def go() -> None:
        async with SmtpTransport(settings.smtp) as transport:
            first = performer(sessions, settings, transport, "p1")
            monkeypatch.setattr(first, "_sent", crash)
            with pytest.raises(Crash):
                await first.run_once()
            clock = Clock()
            second = performer(sessions, settings, transport, "p2", clock)
            # Within the dead performer's lease nothing is taken; after it, the row is.
            assert await second.run_once() == 0
            clock.now = RELEASE + timedelta(minutes=6)
            assert await second.run_once() == 1

    asyncio.run(go())
    first, again = smtp_sink.wait_for(2)
    assert first.message["Message-ID"] == again.message["Message-ID"]
    assert first.data == again.data
    with sessions() as session:
        reply = session.scalars(select(HeldReply)).one()
        row = session.scalars(select(OutboxRow)).one()
    assert reply.state == SENT and reply.message_id == first.message["Message-ID"]
    assert (row.state, row.leased_by) == (OutboxState.done, "p2")


def test_two_performers_send_each_reply_exactly_once(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    settings = settings_for(smtp_sink)
    released(sessions, settings, 12)

    async def go() -> None:
        async with SmtpTransport(settings.smtp) as transport:
            workers = [performer(sessions, settings, transport, f"p{i}") for i in (1, 2)]
            while True:
                counts = await asyncio.gather(*(w.run_once(limit=3) for w in workers))
                if sum(counts) == 0:
                    return

    asyncio.run(go())
    got = smtp_sink.wait_for(12)
    ids = [r.message["Message-ID"] for r in got]
    assert len(ids) == 12 and len(set(ids)) == 12
    with sessions() as session:
        states = session.scalars(select(HeldReply.state)).all()
        rows = session.scalars(select(OutboxRow)).all()
    assert states == [SENT] * 12
    assert {r.state for r in rows} == {OutboxState.done}
    assert {r.leased_by for r in rows} == {"p1", "p2"}


def test_a_refused_reply_is_retried_later(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    settings = settings_for(smtp_sink)
    released(sessions, settings, 1)
    smtp_sink.reject_with = "451 try later"

    async def go() -> None:
        async with SmtpTransport(settings.smtp) as transport:
            await performer(sessions, settings, transport, "p1").run_once()

    asyncio.run(go())
    with sessions() as session:
        row = session.scalars(select(OutboxRow)).one()
        reply = session.scalars(select(HeldReply)).one()
    assert row.state is OutboxState.pending and row.last_error
    assert reply.state == "queued" and reply.sent_at is None
