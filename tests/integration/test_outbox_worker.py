"""The outbox worker on both databases, against a real SMTP sink and a real Dovecot.

Forwards reach the sink with the original attached byte for byte and only then
is the original moved; refusals and crashes lose nothing and duplicate at most
one forward, with the same Message-ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.compose import ForwardContext
from mailrouter.actions.mailbox import ImapMover
from mailrouter.actions.outbox import OutboxWorker, payload_of, record_actions
from mailrouter.app import App
from mailrouter.commands.outbox_cmd import outbox as outbox_cli
from mailrouter.config import MailboxSettings, Secret, Settings, SmtpSettings
from mailrouter.domain import ForwardToOfficer, MoveToFolder, RaiseAlert, RecordContact
from mailrouter.outbound.smtp import SmtpTransport, Transport
from mailrouter.store import db, outbox
from mailrouter.store.models import OutboxRow, OutboxState
from mailrouter.testing.servers import SmtpSink
from tests.conftest import ImapAccount
from tests.unit.test_compose import attached_original

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MANAGED = "Managed contact"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def original(n: int) -> bytes:
    # 8-bit body and a header line near the limit: both must survive unaltered.
    return (
        f"From: Jo Bloggs <jo@example.org>\r\nTo: housing@council.example\r\n"
        f"Subject: Repairs {n}\r\nMessage-ID: <orig{n}@example.org>\r\n"
        f"X-Long: {'y' * 900}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"The boiler is broken, \u00a3{n} charged twice. Caf\u00e9.\r\n.\r\n"
    ).encode()


class Scenario:
    """Dovecot mailbox + SMTP sink + database, and helpers to drive the worker."""

    def __init__(
        self, sessions: sessionmaker[Session], sink: SmtpSink, account: ImapAccount
    ) -> None:
        self.sessions, self.sink, self.account = sessions, sink, account
        self.clock = Clock()
        self.raw: dict[int, bytes] = {}
        self.imap = IMAPClient(account.host, port=account.port, ssl=False, timeout=10)
        self.imap.login(account.username, account.password)
        self.mailbox = MailboxSettings(
            name="intake",
            username=account.username,
            password=Secret(account.password),
            host=account.host,
            port=account.port,
            security="none",
        )
        self.settings = Settings(
            smtp=SmtpSettings(port=sink.port, from_address="mc@council.example"),
            mailboxes=(self.mailbox,),
        )

    def deliver(self, n: int) -> ForwardToOfficer:
        """Put message ``n`` in the staff inbox and decide to divert it."""
        self.raw[n] = original(n)
        response = self.imap.append("INBOX", self.raw[n])
        found = re.search(rb"APPENDUID (\d+) (\d+)", response)
        assert found
        source_key = f"{int(found[1])}:{int(found[2])}"
        key = f"intake:{source_key}"
        move = MoveToFolder(
            key, n, "intake", "INBOX", source_key, f"<orig{n}@example.org>", MANAGED
        )
        return ForwardToOfficer(
            key, n, 100 + n, "spoc@council.example", "Sam", ("r",), True, then=move
        )

    def record(self, actions: Sequence[ForwardToOfficer | RaiseAlert | RecordContact]) -> int:
        with db.transaction(self.sessions) as session:
            return record_actions(session, actions, self.clock())

    def describe(self, message_pk: int, case_id: int | None) -> ForwardContext:
        return ForwardContext("Jo Bloggs", f"MC-{case_id}", "intake", T0, f"Repairs {message_pk}")

    def worker(self, transport: Transport, worker_id: str = "w1", **kw: object) -> OutboxWorker:
        return OutboxWorker(
            sessions=self.sessions,
            transport=transport,
            mover=ImapMover([self.mailbox]),
            load_raw=self.raw.__getitem__,
            describe=self.describe,
            settings=self.settings,
            worker_id=worker_id,
            clock=self.clock,
            **kw,  # type: ignore[arg-type]
        )

    def rows(self) -> dict[str, OutboxRow]:
        with self.sessions() as session:
            return {r.idempotency_key: r for r in session.scalars(select(OutboxRow))}

    def folder(self, name: str) -> list[str]:
        self.imap.select_folder(name, readonly=True)
        ids = self.imap.search()
        data = self.imap.fetch(ids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if ids else {}
        return sorted(
            v[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
            for v in data.values()
        )

    def forwards(self) -> list[email.message.Message]:
        return [email.message_from_bytes(m.data) for m in self.sink.messages]


@pytest.fixture
def s(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink, imap_account: ImapAccount
) -> Iterator[Scenario]:
    scenario = Scenario(sessions, smtp_sink, imap_account)
    yield scenario
    scenario.imap.logout()


def test_forward_reaches_the_spoc_unaltered_then_the_original_moves(
    s: Scenario, smtp_sink: SmtpSink
) -> None:
    forward = s.deliver(1)
    alert = RaiseAlert(forward.message_key, 1, "threat", ("ig@council.example",), "threat", 101)
    assert s.record([forward, RecordContact(1, 101, "diverted"), alert]) == 2

    async def scenario() -> None:
        async with SmtpTransport(s.settings.smtp) as transport:
            worker = s.worker(transport)
            assert await worker.run_once() == 2
            assert s.folder("INBOX") == ["<orig1@example.org>"], "moved only in the next batch"
            assert await worker.run_once() == 1
            assert await worker.run_once() == 0

    asyncio.run(scenario())
    sent = {m.rcpt_tos: m for m in smtp_sink.wait_for(2)}
    spoc = sent[("spoc@council.example",)]
    assert spoc.mail_from == "mc@council.example"
    assert attached_original(spoc.data) == s.raw[1]
    assert "[Managed contact MC-101] Repairs 1" in spoc.message["Subject"]
    assert b"The boiler" not in sent[("ig@council.example",)].data, "alerts carry no body"
    assert s.folder("INBOX") == []
    assert s.folder(MANAGED) == ["<orig1@example.org>"]
    assert {k: r.state for k, r in s.rows().items()} == {
        forward.idempotency_key: OutboxState.done,
        alert.idempotency_key: OutboxState.done,
        "move:intake:" + forward.then.source_key: OutboxState.done,  # type: ignore[union-attr]
    }


def test_a_refusing_relay_loses_nothing_and_nothing_moves_before_its_forward(
    s: Scenario, smtp_sink: SmtpSink
) -> None:
    forwards = [s.deliver(n) for n in range(3)]
    s.record(forwards)
    smtp_sink.reject_with = "451 4.3.0 try again later"

    async def scenario() -> None:
        async with SmtpTransport(s.settings.smtp) as transport:
            worker = s.worker(transport)
            assert await worker.run_once() == 3
            rows = s.rows()
            assert [r.state for r in rows.values()] == [OutboxState.pending] * 3
            assert all("451" in (r.last_error or "") and r.attempts == 1 for r in rows.values())
            assert await worker.run_once() == 0, "backing off"
            assert len(s.folder("INBOX")) == 3
            smtp_sink.reject_with = None
            s.clock.advance(timedelta(hours=1))
            assert await worker.run_once() == 3
            assert await worker.run_once() == 3, "the three moves, one batch"

    asyncio.run(scenario())
    assert len(smtp_sink.wait_for(3)) == 3
    assert sorted(attached_original(m.data) for m in smtp_sink.messages) == sorted(s.raw.values())
    assert s.folder("INBOX") == []
    assert len(s.folder(MANAGED)) == 3
    assert {r.state for r in s.rows().values()} == {OutboxState.done}


def test_a_5xx_parks_with_the_error_and_outbox_retry_requeues_it(
    db_url: str, s: Scenario, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    forward = s.deliver(1)
    s.record([forward])
    smtp_sink.reject_with = "554 5.7.1 message refused"

    async def send_once() -> None:
        async with SmtpTransport(s.settings.smtp) as transport:
            await s.worker(transport).run_once()

    asyncio.run(send_once())
    row = s.rows()[forward.idempotency_key]
    assert row.state is OutboxState.parked
    assert "554 5.7.1 message refused" in (row.last_error or "")
    assert not any(k.startswith("move:") for k in s.rows()), "no move without the forward"

    config = tmp_path / "mailrouter.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n')
    app = App(config_path=config, environ={})
    runner = CliRunner()
    try:
        listed = runner.invoke(outbox_cli, ["list", "--state", "parked"], obj=app)
        assert listed.exit_code == 0, listed.output
        assert f"{row.id:>6}  forward  parked" in listed.output
        assert "554 5.7.1 message refused" in listed.output
        retried = runner.invoke(outbox_cli, ["retry", str(row.id)], obj=app)
        assert retried.exit_code == 0, retried.output
        again = runner.invoke(outbox_cli, ["retry", str(row.id)], obj=app)
        assert again.exit_code == 1 and "pending" in again.output
    finally:
        app.close()

    smtp_sink.reject_with = None
    # `outbox retry` makes the row due at the real time, which our clock must reach.
    s.clock.now = max(s.clock.now, datetime.now(UTC)) + timedelta(seconds=1)
    asyncio.run(send_once())
    assert attached_original(smtp_sink.wait_for(1)[0].data) == s.raw[1]
    assert s.rows()[forward.idempotency_key].state is OutboxState.done


class SendThenDie:
    """A transport whose worker dies after the relay's 250, before recording it."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.sent = asyncio.Event()

    async def send(self, data: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        await self.inner.send(data, sender=sender, recipients=recipients)
        self.sent.set()
        await asyncio.Event().wait()


def test_a_worker_killed_after_sending_is_replaced_with_the_same_message_id(
    s: Scenario, smtp_sink: SmtpSink
) -> None:
    forward = s.deliver(1)
    s.record([forward])

    async def scenario() -> None:
        async with SmtpTransport(s.settings.smtp) as transport:
            dying = SendThenDie(transport)
            doomed = asyncio.create_task(
                s.worker(dying, "doomed", lease=timedelta(seconds=30)).run_once()
            )
            await dying.sent.wait()
            doomed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await doomed
            survivor = s.worker(transport, "survivor")
            s.clock.advance(timedelta(seconds=10))
            assert await survivor.run_once() == 0, "the lease still holds"
            s.clock.advance(timedelta(minutes=1))
            assert await survivor.run_once() == 1
            assert await survivor.run_once() == 1, "then the move"

    asyncio.run(scenario())
    first, second = smtp_sink.wait_for(2)
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert attached_original(second.data) == s.raw[1]
    assert s.folder(MANAGED) == ["<orig1@example.org>"]
    row = s.rows()[forward.idempotency_key]
    assert (row.state, row.leased_by, row.attempts) == (OutboxState.done, "survivor", 2)


def test_a_repeated_move_is_harmless(s: Scenario, smtp_sink: SmtpSink) -> None:
    move = s.deliver(1).then
    assert move is not None
    with db.transaction(s.sessions) as session:
        kind, payload = payload_of(move)
        outbox.enqueue(session, key=move.idempotency_key, kind=kind, payload=payload, now=T0)
        outbox.claim(session, worker="crashed", now=T0, lease=timedelta(seconds=5))
    # The crashed worker moved the message but never recorded it.
    ImapMover([s.mailbox]).move([move])
    s.clock.advance(timedelta(minutes=1))

    async def scenario() -> None:
        async with SmtpTransport(s.settings.smtp) as transport:
            assert await s.worker(transport).run_once() == 1

    asyncio.run(scenario())
    assert s.rows()[move.idempotency_key].state is OutboxState.done
    assert "note" not in s.rows()[move.idempotency_key].payload, "found in the target"
    assert s.folder(MANAGED) == ["<orig1@example.org>"]


def test_a_broken_row_is_parked_and_the_loop_carries_on(s: Scenario, smtp_sink: SmtpSink) -> None:
    good = s.deliver(1)
    lost = ForwardToOfficer("intake:9:9", 9, 109, "spoc@council.example", "Sam", (), True)
    s.record([good, lost])

    async def scenario() -> None:
        stop = asyncio.Event()
        async with SmtpTransport(s.settings.smtp) as transport:
            task = asyncio.create_task(s.worker(transport, idle_seconds=0.05).run(stop))
            while s.rows().get("move:" + good.message_key, None) is None or (
                s.rows()["move:" + good.message_key].state is not OutboxState.done
            ):
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.wait_for(task, 10)

    asyncio.run(scenario())
    row = s.rows()[lost.idempotency_key]
    assert row.state is OutboxState.parked
    assert row.last_error == "KeyError: 9"
    assert s.folder(MANAGED) == ["<orig1@example.org>"]
