"""Ingestion against a real Dovecot, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest
from mailrouter.app import App
from mailrouter.commands.ingest_cmd import ingest as ingest_command
from mailrouter.commands.ingest_cmd import quarantine_group, status
from mailrouter.config import LimitSettings, RawStoreSettings, Settings
from mailrouter.ingest_runner import ingest_once
from mailrouter.quarantine import retry
from mailrouter.rawstore import from_settings
from mailrouter.store.models import MailboxState, MessageAddress, MessageRecord, OutboxRow
from mailrouter.testing.servers import Dovecot, free_port
from mailrouter.watch import WatchOptions
from tests.conftest import ImapAccount
from tests.ingest_support import (
    FAST,
    PASSWORD,
    BackgroundIngest,
    client,
    count,
    mailbox,
    make_settings,
    message,
    message_ids,
    seed,
    wait_until,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TORTURE = Path(PROJECT_ROOT).parent / "shared" / "data" / "mail-torture"


def once(settings: Settings, sessions: sessionmaker[Session], options: WatchOptions = FAST) -> None:
    reports = asyncio.run(ingest_once(settings, sessions, options=options))
    assert all(r.error is None for r in reports), reports


def state(sessions: sessionmaker[Session], name: str, folder: str = "INBOX") -> MailboxState:
    with sessions() as session:
        found = session.scalar(
            select(MailboxState).where(MailboxState.mailbox == name, MailboxState.folder == folder)
        )
    assert found is not None
    return found


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this test's own, free to be stopped and restarted."""
    server = Dovecot().start()
    yield server
    server.cleanup()


def test_messages_addresses_raw_and_cursor(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(imap_account.port, imap_account.username, [message(i) for i in range(120)])
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )
    once(settings, sessions)
    once(settings, sessions)  # nothing new: a no-op
    assert count(sessions) == 120
    assert message_ids(sessions) == sorted(f"<m{i}@example.org>" for i in range(120))
    folder = state(sessions, "intake")
    assert (folder.status, folder.last_uid, folder.messages_stored) == ("ok", 120, 120)
    with sessions() as session:
        record = session.scalars(
            select(MessageRecord).where(MessageRecord.message_id == "<m7@example.org>")
        ).one()
        assert (record.source, record.mailbox, record.folder) == ("intake/INBOX", "intake", "INBOX")
        assert record.source_key == f"{folder.uidvalidity}:8"
        assert record.status == "parsed" and record.routed_at is None
        assert record.sender == "sender7@example.org" and record.subject == "m 7"
        assert record.received_at == datetime(2026, 2, 3, 9, 15, 2, tzinfo=UTC)
        addresses = session.execute(
            select(MessageAddress.role, MessageAddress.address).where(
                MessageAddress.message_pk == record.id
            )
        ).all()
        assert set(addresses) == {("from", "sender7@example.org"), ("to", "intake@council.example")}
        assert from_settings(settings).get(session, record.raw_sha256) == message(7)


def test_cursor_and_messages_commit_together(
    imap_account: ImapAccount,
    sessions: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(imap_account.port, imap_account.username, [message(i) for i in range(30)])
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )

    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("crash after the rows were written, before the cursor")

    monkeypatch.setattr(ingest, "_advance", crash)
    reports = asyncio.run(ingest_once(settings, sessions, options=FAST))
    assert count(sessions) == 0, "the rows went with the transaction"
    assert reports[0].stored == 0
    monkeypatch.undo()
    once(settings, sessions)
    assert count(sessions) == 30 and state(sessions, "intake").last_uid == 30


def test_mail_read_by_a_person_first_is_ingested_and_nothing_is_marked_read(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    imap = client(imap_account.port, imap_account.username)
    imap.append("INBOX", message(1), flags=[b"\\Seen"])
    imap.append("INBOX", message(2))
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )
    once(settings, sessions)
    assert message_ids(sessions) == ["<m1@example.org>", "<m2@example.org>"]
    imap.select_folder("INBOX", readonly=True)
    flags = imap.get_flags(imap.search())
    assert [b"\\Seen" in f for _, f in sorted(flags.items())] == [True, False]
    imap.logout()


def test_a_recreated_folder_adds_no_duplicates(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    user, port = imap_account.username, imap_account.port
    seed(port, user, [message(i) for i in range(5)], folder="Cases")
    settings = make_settings(mailbox("intake", user, port, folders=("Cases",)), base_dir=tmp_path)
    once(settings, sessions)
    before = state(sessions, "intake", "Cases").uidvalidity
    imap = client(port, user)
    imap.delete_folder("Cases")
    imap.logout()
    # The same messages come back (as a migration tool would restore them), plus two new ones.
    seed(port, user, [message(i) for i in range(7)], folder="Cases")
    once(settings, sessions)
    folder = state(sessions, "intake", "Cases")
    assert folder.uidvalidity != before and folder.resyncs == 1
    assert message_ids(sessions) == sorted(f"<m{i}@example.org>" for i in range(7))
    assert folder.duplicates_skipped == 5


def test_a_copy_with_new_headers_is_the_same_message(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    user, port = imap_account.username, imap_account.port
    seed(port, user, [message(1), b"X-Migrated: yes\r\n" + message(1), message(2)])
    settings = make_settings(mailbox("intake", user, port), base_dir=tmp_path)
    once(settings, sessions)
    assert message_ids(sessions) == ["<m1@example.org>", "<m2@example.org>"]
    assert state(sessions, "intake").last_uid == 3


def test_ingestion_resumes_after_the_server_restarts(
    own_dovecot: Dovecot, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    port = own_dovecot.port
    seed(port, "worker", [message(i) for i in range(400)])
    settings = make_settings(mailbox("intake", "worker", port), base_dir=tmp_path)
    options = WatchOptions(
        workers=2, batch_messages=10, backoff_base_seconds=0.1, backoff_max_seconds=1
    )
    with BackgroundIngest(settings, sessions, options):
        wait_until(lambda: count(sessions) > 0, 30, "the first batch")
        own_dovecot.restart()  # connections drop mid-fetch
        seed(port, "worker", [message(i) for i in range(400, 450)])
        wait_until(lambda: count(sessions) == 450, 60, "every message")
        wait_until(lambda: state(sessions, "intake").status == "ok", 30, "health to recover")
    assert message_ids(sessions) == sorted(f"<m{i}@example.org>" for i in range(450))


def test_new_mail_arrives_through_idle(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    user, port = imap_account.username, imap_account.port
    settings = make_settings(
        mailbox("idle", user, port),
        mailbox("polled", user, port, folders=("Polled",), idle=False),
        base_dir=tmp_path,
    )
    seed(port, user, [], folder="Polled")
    with BackgroundIngest(settings, sessions):
        wait_until(lambda: count(sessions) == 0 and _states(sessions) == 2, 20, "both folders")
        seed(port, user, [message(1)])
        seed(port, user, [message(2)], folder="Polled")
        wait_until(lambda: count(sessions) == 2, 20, "both messages")


def _states(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return len(session.scalars(select(MailboxState)).all())


def test_a_failing_mailbox_is_recorded_alerted_and_keeps_being_retried(
    own_dovecot: Dovecot, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    port = own_dovecot.port
    seed(port, "healthy", [message(1)])
    settings = make_settings(
        mailbox("healthy", "healthy", port),
        mailbox("broken", "broken", free_port()),
        base_dir=tmp_path,
        alert_after_minutes=0,
    )
    reports = asyncio.run(ingest_once(settings, sessions, options=FAST))
    assert [r.error is None for r in reports] == [True, False]
    assert count(sessions) == 1, "one bad mailbox does not stop the others"
    broken = state(sessions, "broken")
    assert broken.status == "failing" and broken.consecutive_failures == 1
    assert broken.last_error is not None and "connect" in broken.last_error
    assert broken.alerted_at is not None and broken.failing_since is not None
    asyncio.run(ingest_once(settings, sessions, options=FAST))
    with sessions() as session:
        alerts = session.scalars(
            select(OutboxRow).where(OutboxRow.kind == "alert.mailbox_unhealthy")
        ).all()
    assert len(alerts) == 1, "one alert per run of failures"
    assert alerts[0].payload["mailbox"] == "broken"
    assert PASSWORD not in str(alerts[0].payload)
    assert state(sessions, "broken").consecutive_failures == 2


def test_a_mailbox_recovers_when_its_server_returns(
    own_dovecot: Dovecot, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(own_dovecot.port, "u", [message(1)])
    settings = make_settings(mailbox("intake", "u", own_dovecot.port), base_dir=tmp_path)
    own_dovecot.stop()
    reports = asyncio.run(ingest_once(settings, sessions, options=FAST))
    assert reports[0].error is not None and state(sessions, "intake").status == "failing"
    own_dovecot.restart()
    once(settings, sessions)
    folder = state(sessions, "intake")
    assert (folder.status, folder.consecutive_failures, folder.failing_since) == ("ok", 0, None)
    assert count(sessions) == 1


def test_quarantine_and_retry(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    user, port = imap_account.username, imap_account.port
    seed(port, user, [message(1), message(2, size=5000), b"\x00\x01 not mail at all"])
    tight = make_settings(
        mailbox("intake", user, port),
        base_dir=tmp_path,
        limits=LimitSettings(max_message_bytes=2000),
    )
    once(tight, sessions)
    assert count(sessions) == 3
    assert count(sessions, MessageRecord.status == "quarantined") == 2
    with sessions() as session:
        big = session.scalars(
            select(MessageRecord).where(MessageRecord.message_id == "<m2@example.org>")
        ).one()
    assert big.quarantine_reason is not None and "max_message_bytes" in big.quarantine_reason
    roomy = make_settings(mailbox("intake", user, port), base_dir=tmp_path)
    results = retry(sessions, from_settings(roomy), roomy, [big.id], now=datetime.now(UTC))
    assert [(r.status, r.reason) for r in results] == [("parsed", None)]
    with sessions() as session:
        again = session.get(MessageRecord, big.id)
        assert again is not None and again.status == "parsed" and again.routed_at is None
        assert again.sender == "sender2@example.org"
        assert session.scalars(
            select(MessageAddress).where(MessageAddress.message_pk == big.id)
        ).all()
    assert count(sessions, MessageRecord.status == "quarantined") == 1


def test_raw_messages_on_the_filesystem(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(imap_account.port, imap_account.username, [message(1), message(2)])
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port),
        base_dir=tmp_path,
        raw_store=RawStoreSettings(kind="filesystem", path="raw"),
    )
    once(settings, sessions)
    files = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
    assert sorted(p.read_bytes() for p in files) == sorted([message(1), message(2)])
    with sessions() as session:
        record = session.scalars(select(MessageRecord)).first()
        assert record is not None
        assert from_settings(settings).get(session, record.raw_sha256) in (message(1), message(2))


def _corpus() -> list[bytes]:
    module = importlib.import_module("test.test_email")
    assert module.__file__ is not None
    files = sorted((Path(module.__file__).parent / "data").glob("msg_*.txt"))
    if TORTURE.is_dir():
        files += sorted(TORTURE.rglob("*.eml")) + sorted(TORTURE.rglob("email.*"))
    return [raw for raw in (p.read_bytes() for p in files) if raw.strip()]


def test_odd_mail_is_ingested_or_quarantined_never_fatal(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    corpus = _corpus()
    seed(imap_account.port, imap_account.username, corpus)
    settings = make_settings(
        mailbox("intake", imap_account.username, imap_account.port), base_dir=tmp_path
    )
    once(settings, sessions)
    # CPython's msg_01/03/20/29 are one message (same Message-ID and body) with different
    # headers: stored once, like any re-delivered copy.
    assert count(sessions) + state(sessions, "intake").duplicates_skipped == len(corpus)
    assert state(sessions, "intake").last_uid == len(corpus)
    with sessions() as session:
        records = session.scalars(select(MessageRecord)).all()
    limit_ms = settings.limits.parse_timeout_seconds * 1000
    for record in records:
        assert record.status in ("parsed", "quarantined")
        assert record.status == "parsed" or record.quarantine_reason
        assert record.parse_ms is not None and record.parse_ms < limit_ms
    assert (
        any(r.quarantine_reason and "MIME parts" in r.quarantine_reason for r in records)
        or not TORTURE.is_dir()
    )


def _config(tmp_path: Path, db_url: str, account: ImapAccount) -> Path:
    path = tmp_path / "mailrouter.toml"
    path.write_text(
        f'[database]\nurl = "{db_url}"\n\n[limits]\nmax_message_bytes = 2000\n\n'
        f'[[mailboxes]]\nname = "intake"\nusername = "{account.username}"\n'
        f'password_env = "MR_TEST_PASSWORD"\nhost = "127.0.0.1"\nport = {account.port}\n'
        'security = "none"\n'
    )
    return path


def test_commands(
    imap_account: ImapAccount, sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    seed(imap_account.port, imap_account.username, [message(1), message(2, size=5000)])
    app = App(
        config_path=_config(tmp_path, db_url, imap_account), environ={"MR_TEST_PASSWORD": PASSWORD}
    )
    runner = CliRunner()
    try:
        result = runner.invoke(ingest_command, ["--once"], obj=app, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "intake/INBOX: 1 stored, 1 quarantined" in result.output
        result = runner.invoke(status, [], obj=app, catch_exceptions=False)
        assert "intake/INBOX" in result.output and " ok " in result.output
        listed = runner.invoke(quarantine_group, ["list"], obj=app, catch_exceptions=False)
        assert "max_message_bytes" in listed.output
        pk = listed.output.split()[0]
        shown = runner.invoke(quarantine_group, ["show", pk], obj=app, catch_exceptions=False)
        assert "<m2@example.org>" in shown.output and "body" not in shown.output
        again = runner.invoke(quarantine_group, ["retry", "--all"], obj=app, catch_exceptions=False)
        assert "0 of 1 parsed" in again.output, "the limit still applies"
        nothing = runner.invoke(quarantine_group, ["retry"], obj=app)
        assert nothing.exit_code != 0
    finally:
        app.close()
