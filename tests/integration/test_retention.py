"""Retention on real rows, on SQLite and PostgreSQL: what goes, what stays and why.

Each "never purge" rule has a pair: the protected message stays while the
protection holds, and the same message goes once it no longer does, so removing
a rule (or making it protect everything) fails a test.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, MetaData, func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import daemon
from mailrouter.cli import cli
from mailrouter.config import RawStoreSettings, RetentionSettings, Settings
from mailrouter.rawstore import FilesystemRawStore, RawItem
from mailrouter.register import audit
from mailrouter.retention import rules, schedule
from mailrouter.retention.run import ACTION, run
from mailrouter.retention.schedule import retention_job
from mailrouter.store import db
from mailrouter.store.models import Base, MessageAddress, MessageRecord, OutboxRow, RawMessage
from mailrouter.store.models.flags_alias import (
    AliasHit,
    SenderFingerprint,
    SenderTrait,
)
from mailrouter.store.models.metrics import (
    ContactLogEntry,
    FlagRow,
    SenderDay,
    SenderWeekRecipient,
)
from mailrouter.store.models.outbox import OutboxState
from mailrouter.store.models.register import (
    AuditRow,
    Case,
    Customer,
    CustomerEmail,
    LegalHold,
    Representative,
)
from mailrouter.store.models.replies import HeldReply
from mailrouter.store.models.routing import CaseContact, DecisionRow

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=200)  # past unmatched_mail_days (180)
RECENT = NOW - timedelta(days=20)
SETTINGS = Settings()
TOUCHED = {
    "messages",
    "raw_messages",
    "sender_week_recipients",
    "contact_log",
    "sender_traits",
    "sender_fingerprints",
}


def raw_of(n: int, tag: str = "r") -> bytes:
    return f"From: someone{n}@example.org\r\nSubject: {tag} {n}\r\n\r\nbody {n}\r\n".encode()


def add_message(
    session: Session,
    n: int,
    *,
    sender: str = "stranger@example.org",
    received_at: datetime = OLD,
    routed: bool = True,
    status: str = "parsed",
    raw: bytes | None = None,
    cc: str | None = None,
) -> int:
    """A stored message with its raw bytes, addresses and decision, as routing leaves it."""
    data = raw if raw is not None else raw_of(n)
    sha = hashlib.sha256(data).hexdigest()
    if session.get(RawMessage, sha) is None:
        session.add(RawMessage(sha256=sha, size=len(data), data=data, stored_at=received_at))
        session.flush()
    record = MessageRecord(
        source="intake/INBOX",
        source_key=f"7:{n}",
        raw_sha256=sha,
        body_sha256=hashlib.sha256(f"body {n}".encode()).hexdigest(),
        message_id=f"<m{n}@example.org>",
        sender=sender,
        sender_name="Some One",
        subject=f"About my bins {n}",
        date_header=received_at,
        received_at=received_at,
        ingested_at=received_at,
        authentication_results="spf=pass",
        attachments=[{"filename": "letter.pdf"}],
        headers={"x-mailer": "Mail"},
        mailbox="intake",
        folder="INBOX",
        status=status,
        quarantine_reason="too deep" if status == "quarantined" else None,
        routed_at=received_at if routed else None,
    )
    session.add(record)
    session.flush()
    session.add(MessageAddress(message_pk=record.id, role="from", address=sender))
    session.add(MessageAddress(message_pk=record.id, role="to", address="intake@council.example"))
    if cc:
        session.add(MessageAddress(message_pk=record.id, role="cc", address=cc))
    if routed:
        session.add(
            DecisionRow(
                message_pk=record.id,
                verdict="deliver",
                reasons=["no register match for stranger@example.org"],
                hits=[{"step": "register-match", "detail": "stranger@example.org"}],
                detections=[{"label": "complaint", "confidence": 0.7}],
                decided_at=received_at,
            )
        )
    return record.id


def add_customer(session: Session, email: str, *, status: str = "stage2") -> tuple[int, int]:
    customer = Customer(full_name="Pat Example")
    session.add(customer)
    session.flush()
    session.add(
        CustomerEmail(
            customer_id=customer.id, address=email, normalized=email, added_on=date(2025, 1, 1)
        )
    )
    case = Case(
        reference=f"MC-{customer.id}",
        customer_id=customer.id,
        status=status,
        opened_on=date(2025, 1, 1),
        round_started_on=date(2025, 1, 1),
    )
    session.add(case)
    session.flush()
    return customer.id, case.id


def message(sessions: sessionmaker[Session], pk: int) -> MessageRecord:
    with sessions() as session:
        return session.get_one(MessageRecord, pk)


def status_of(sessions: sessionmaker[Session], pk: int) -> str:
    return message(sessions, pk).status


def test_migration_matches_the_models(engine: Engine) -> None:
    only = MetaData()
    for name in TOUCHED:
        Base.metadata.tables[name].to_metadata(only)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _p: kind != "table" or name in TOUCHED,
            },
        )
        assert compare_metadata(context, only) == []


def test_old_unmatched_mail_becomes_a_tombstone_and_its_bytes_go(
    sessions: sessionmaker[Session],
) -> None:
    with db.transaction(sessions) as s:
        old = add_message(s, 1)
        young = add_message(s, 2, received_at=RECENT)
    summary = run(sessions, SETTINGS, now=NOW)
    assert summary.purged[rules.UNMATCHED] == 1 and summary.raw_erased == 1
    with sessions() as s:
        gone = s.get_one(MessageRecord, old)
        assert (gone.status, gone.purged_at) == ("purged", NOW)
        # What dedupe and cursors need stays.
        assert (gone.source, gone.source_key, gone.mailbox, gone.folder) == (
            "intake/INBOX",
            "7:1",
            "intake",
            "INBOX",
        )
        assert gone.message_id == "<m1@example.org>"
        assert gone.raw_sha256 == hashlib.sha256(raw_of(1)).hexdigest()
        assert gone.body_sha256 is not None and gone.received_at == OLD
        # Everything personal is cleared.
        assert (gone.sender, gone.sender_name, gone.subject) == (None, None, "")
        assert (gone.authentication_results, gone.attachments, gone.headers) == (None, [], None)
        assert s.scalar(select(func.count()).where(MessageAddress.message_pk == old)) == 0
        decision = s.scalars(select(DecisionRow).where(DecisionRow.message_pk == old)).one()
        assert (decision.reasons, decision.hits, decision.detections) == ([], [], [])
        raw = s.get_one(RawMessage, gone.raw_sha256)
        assert (raw.data, raw.purged_at) == (None, NOW)
        kept = s.get_one(MessageRecord, young)
        assert (kept.status, kept.sender, kept.subject) == (
            "parsed",
            "stranger@example.org",
            "About my bins 2",
        )
        assert s.get_one(RawMessage, kept.raw_sha256).data == raw_of(2)


def test_bytes_shared_with_a_kept_message_stay(sessions: sessionmaker[Session]) -> None:
    same = raw_of(9, "shared")
    with db.transaction(sessions) as s:
        old = add_message(s, 1, raw=same)
        young = add_message(s, 2, raw=same, received_at=RECENT)
    summary = run(sessions, SETTINGS, now=NOW)
    assert summary.purged[rules.UNMATCHED] == 1 and summary.raw_erased == 0
    with sessions() as s:
        assert s.get_one(MessageRecord, old).status == "purged"
        assert s.get_one(RawMessage, hashlib.sha256(same).hexdigest()).data == same
    later = run(sessions, SETTINGS, now=NOW + timedelta(days=200))
    assert later.raw_erased == 1 and status_of(sessions, young) == "purged"


def test_quarantined_mail_goes_only_after_quarantine_days(sessions: sessionmaker[Session]) -> None:
    with db.transaction(sessions) as s:
        old = add_message(
            s, 1, status="quarantined", routed=False, received_at=NOW - timedelta(days=40)
        )
        young = add_message(
            s, 2, status="quarantined", routed=False, received_at=NOW - timedelta(days=10)
        )
    summary = run(sessions, SETTINGS, now=NOW)
    assert summary.purged[rules.QUARANTINED] == 1
    assert status_of(sessions, old) == "purged"
    assert status_of(sessions, young) == "quarantined"
    assert message(sessions, old).quarantine_reason is None


Setup = Callable[[Session, int], Callable[[Session], None]]


def _unrouted(session: Session, pk: int) -> Callable[[Session], None]:
    session.get_one(MessageRecord, pk).routed_at = None

    def lift(s: Session) -> None:
        s.get_one(MessageRecord, pk).routed_at = OLD

    return lift


def _linked_case(session: Session, pk: int) -> Callable[[Session], None]:
    _, case_id = add_customer(session, "customer@example.net", status="dormant")
    session.add(CaseContact(case_id=case_id, message_pk=pk, kind="evidence", recorded_at=OLD))

    def lift(s: Session) -> None:
        # The case was deleted by register retention: its contacts no longer protect mail.
        s.delete(s.get_one(Case, case_id))

    return lift


def _register_sender(session: Session, pk: int) -> Callable[[Session], None]:
    customer_id, _ = add_customer(session, "stranger@example.org", status="closed")

    def lift(s: Session) -> None:
        s.execute(CustomerEmail.__table__.delete().where(CustomerEmail.customer_id == customer_id))

    return lift


def _outbox(state: OutboxState) -> Setup:
    def setup(session: Session, pk: int) -> Callable[[Session], None]:
        row = OutboxRow(
            idempotency_key=f"alert:{pk}",
            kind="alert",
            payload={"message_pk": pk, "kind": "statutory"},
            state=state,
        )
        session.add(row)
        session.flush()

        def lift(s: Session) -> None:
            s.get_one(OutboxRow, row.id).state = OutboxState.done

        return lift

    return setup


def _held_reply(session: Session, pk: int) -> Callable[[Session], None]:
    _, case_id = add_customer(session, "customer@example.net")
    reply = HeldReply(
        case_id=case_id,
        spoc_id="jsmith",
        captured_by="jsmith@council.example",
        to_address="customer@example.net",
        raw=b"draft",
        raw_sha256=hashlib.sha256(b"draft").hexdigest(),
        release_on=NOW.date() + timedelta(days=3),
        source_message_pk=pk,
    )
    session.add(reply)
    session.flush()

    def lift(s: Session) -> None:
        s.get_one(HeldReply, reply.id).state = "sent"

    return lift


def _flag_evidence(session: Session, pk: int) -> Callable[[Session], None]:
    flag = FlagRow(
        subject="other@example.org",
        kind="scatter-gun",
        period_start=OLD.date(),
        period_end=OLD.date(),
        value=9,
        threshold=8,
        explanation="wrote to 9 staff",
        evidence={"message_ids": [pk], "identities": ["other@example.org"]},
        status="watching",
    )
    session.add(flag)
    session.flush()

    def lift(s: Session) -> None:
        s.get_one(FlagRow, flag.id).status = "dismissed"

    return lift


def _legal_hold(session: Session, pk: int) -> Callable[[Session], None]:
    # The solicitor acting for a customer under a litigation hold is copied in.
    customer_id, _ = add_customer(session, "customer@example.net", status="dormant")
    session.add(
        Representative(
            customer_id=customer_id, kind="solicitor", name="A Law", email="Clerk@Law.example"
        )
    )
    hold = LegalHold(customer_id=customer_id, kind="litigation", opened_on=date(2026, 1, 5))
    session.add(hold)
    session.flush()
    session.add(MessageAddress(message_pk=pk, role="cc", address="clerk@law.example"))

    def lift(s: Session) -> None:
        s.get_one(LegalHold, hold.id).released_on = date(2026, 11, 1)

    return lift


RULES: dict[str, tuple[Setup, str]] = {
    "unrouted": (_unrouted, rules.UNROUTED),
    "linked to a live case": (_linked_case, rules.CASE),
    "from a register customer": (_register_sender, rules.REGISTER),
    "outbox pending": (_outbox(OutboxState.pending), rules.OUTBOX),
    "outbox parked": (_outbox(OutboxState.parked), rules.OUTBOX),
    "held reply": (_held_reply, rules.REPLY),
    "flag evidence": (_flag_evidence, rules.EVIDENCE),
    "legal hold": (_legal_hold, rules.HOLD),
}


@pytest.mark.parametrize("rule", RULES)
def test_never_purged_while_protected_and_purged_once_not(
    sessions: sessionmaker[Session], rule: str
) -> None:
    setup, reason = RULES[rule]
    with db.transaction(sessions) as s:
        pk = add_message(s, 1)
        lift = setup(s, pk)
    summary = run(sessions, SETTINGS, now=NOW)
    assert status_of(sessions, pk) == "parsed", rule
    assert summary.kept[reason] == 1 and sum(summary.purged.values()) == 0
    assert message(sessions, pk).sender == "stranger@example.org"
    with db.transaction(sessions) as s:
        lift(s)
    again = run(sessions, SETTINGS, now=NOW)
    assert status_of(sessions, pk) == "purged", rule
    assert again.purged[rules.UNMATCHED] == 1


def test_a_run_is_audited_once_and_the_chain_verifies(sessions: sessionmaker[Session]) -> None:
    with db.transaction(sessions) as s:
        add_message(s, 1)
        add_message(s, 2, received_at=RECENT)
    run(sessions, SETTINGS, now=NOW, actor="ig.officer")
    run(sessions, SETTINGS, now=NOW + timedelta(hours=1))
    with sessions() as s:
        rows = s.scalars(select(AuditRow).where(AuditRow.action == ACTION).order_by(AuditRow.seq))
        first, second = rows.all()
        assert first.actor == "ig.officer" and first.payload is not None
        after = first.payload["after"]
        assert isinstance(after, dict) and after["purged"] == {
            rules.UNMATCHED: 1,
            rules.QUARANTINED: 0,
        }
        # Counts only: no address anywhere in the row.
        assert "@" not in audit.canonical(first.payload)
        assert isinstance(second.payload, dict)
        assert second.payload["after"]["purged"][rules.UNMATCHED] == 0  # type: ignore[index]
        assert audit.verify(s).ok


def test_dry_run_reports_what_a_run_then_does_and_changes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with db.transaction(sessions) as s:
        for n in range(5):
            add_message(s, n)
        add_message(s, 10, raw=raw_of(0))  # a second copy of message 0's bytes
        add_message(s, 11, status="quarantined", routed=False)
        add_message(s, 12, routed=False)
        _stale_sender_rows(s)
    dry = run(sessions, SETTINGS, now=NOW, dry_run=True)
    with sessions() as s:
        assert s.scalar(select(func.count()).where(MessageRecord.status == "purged")) == 0
        assert s.scalar(select(func.count()).where(RawMessage.data.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(SenderDay)) == 2
        assert s.scalar(select(func.count()).select_from(AuditRow)) == 0
    real = run(sessions, SETTINGS, now=NOW)
    assert dry.purged == real.purged
    assert (dry.purged[rules.UNMATCHED], dry.purged[rules.QUARANTINED]) == (6, 1)
    assert dry.kept == real.kept and dry.kept[rules.UNROUTED] == 1
    assert dry.raw_erased == real.raw_erased == 6
    assert dry.sender_rows == real.sender_rows


def test_a_second_run_does_nothing(sessions: sessionmaker[Session]) -> None:
    with db.transaction(sessions) as s:
        for n in range(30):
            add_message(s, n)
        _stale_sender_rows(s)
    small = replace(SETTINGS, retention=replace(SETTINGS.retention, batch_size=7))
    first = run(sessions, small, now=NOW)
    second = run(sessions, small, now=NOW)
    assert first.purged[rules.UNMATCHED] == 30 and first.raw_erased == 30
    assert sum(first.sender_rows.values()) == 6
    assert sum(second.purged.values()) == second.raw_erased == 0
    assert sum(second.sender_rows.values()) == 0


def _stale_sender_rows(s: Session) -> None:
    """One old row per per-sender table for a stranger, and a recent sender_days row."""
    add_customer(s, "customer@example.net")
    old_day = (NOW - timedelta(days=100)).date()
    monday = old_day - timedelta(days=old_day.weekday())
    s.add(SenderDay(sender="stranger@example.org", day=old_day, messages=3))
    s.add(SenderDay(sender="stranger@example.org", day=NOW.date(), messages=1))
    s.add(
        SenderWeekRecipient(
            sender="stranger@example.org", week=monday, recipient="a@council.example", messages=1
        )
    )
    s.add(
        ContactLogEntry(
            sender="stranger@example.org",
            channel="phone",
            at=NOW - timedelta(days=100),
            note="called about bins",
            actor="ig",
        )
    )
    s.add(
        SenderTrait(
            sender="stranger@example.org",
            kind="phone",
            key="+441234567890",
            first_seen=old_day,
            last_seen=old_day,
        )
    )
    s.add(
        SenderFingerprint(
            sender="stranger@example.org", slot=0, seq=1, message_id=None, day=old_day, vector=b"v"
        )
    )
    customer_id = s.scalars(select(CustomerEmail.customer_id)).first()
    assert customer_id is not None
    s.add(
        AliasHit(
            sender="stranger@example.org",
            customer_id=customer_id,
            first_seen=old_day,
            last_seen=old_day,
            kinds="phone",
            evidence={"phone": "+441234567890"},
        )
    )


def test_sender_data_goes_after_sender_data_days_except_register_and_flagged(
    sessions: sessionmaker[Session],
) -> None:
    old_day = (NOW - timedelta(days=100)).date()
    with db.transaction(sessions) as s:
        _stale_sender_rows(s)
        for sender in ("customer@example.net", "flagged@example.org"):
            s.add(SenderDay(sender=sender, day=old_day, messages=2))
            s.add(
                SenderTrait(
                    sender=sender, kind="name", key="pat", first_seen=old_day, last_seen=old_day
                )
            )
        s.add(
            FlagRow(
                subject="flagged@example.org",
                kind="volume-month",
                period_start=old_day,
                period_end=old_day,
                value=70,
                threshold=60,
                explanation="70 messages",
                evidence={"message_ids": []},
                status="open",
            )
        )
    summary = run(sessions, SETTINGS, now=NOW)
    assert summary.sender_rows == {
        "sender_days": 1,
        "sender_week_recipients": 1,
        "contact_log": 1,
        "sender_traits": 1,
        "sender_fingerprints": 1,
        "alias_hits": 1,
    }
    with sessions() as s:
        days = s.execute(select(SenderDay.sender, SenderDay.day).order_by(SenderDay.sender)).all()
        assert days == [
            ("customer@example.net", old_day),
            ("flagged@example.org", old_day),
            ("stranger@example.org", NOW.date()),
        ]
        traits = set(s.scalars(select(SenderTrait.sender)))
        assert traits == {"customer@example.net", "flagged@example.org"}
        for model in (SenderWeekRecipient, ContactLogEntry, SenderFingerprint, AliasHit):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model


def test_mail_of_a_deleted_case_loses_its_case_text(sessions: sessionmaker[Session]) -> None:
    with db.transaction(sessions) as s:
        pk = add_message(s, 1)
        _, case_id = add_customer(s, "other@example.net", status="dormant")
        s.add(CaseContact(case_id=case_id, message_pk=pk, kind="evidence", note="abusive call"))
    with db.transaction(sessions) as s:
        s.delete(s.get_one(Case, case_id))
    run(sessions, SETTINGS, now=NOW)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(CaseContact)) == 0


def test_filesystem_raw_store_files_are_removed(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = replace(
        SETTINGS,
        raw_store=RawStoreSettings(kind="filesystem", path="raw"),
        base_dir=str(tmp_path),
    )
    store = FilesystemRawStore(tmp_path / "raw", fsync=False)
    with db.transaction(sessions) as s:
        old = add_message(s, 1)
        young = add_message(s, 2, received_at=RECENT)
        items = [RawItem(hashlib.sha256(raw_of(n)).hexdigest(), raw_of(n)) for n in (1, 2)]
        store.put(s, items, NOW)
    summary = run(sessions, settings, now=NOW)
    assert summary.files_removed == 1
    assert not store.path_of(message(sessions, old).raw_sha256).exists()
    assert store.path_of(message(sessions, young).raw_sha256).read_bytes() == raw_of(2)
    # A run that died after its commit: the next one removes the file it left.
    leftover = message(sessions, old).raw_sha256
    store._write(store.path_of(leftover), b"left behind")
    assert run(sessions, settings, now=NOW).files_removed == 1
    assert not store.path_of(leftover).exists()
    # The same bytes arrive again in another mailbox: the sweep leaves the new file alone.
    with db.transaction(sessions) as s:
        store.put(s, [RawItem(leftover, raw_of(1))], NOW)
        again = add_message(s, 3, raw=raw_of(1), received_at=RECENT)
    assert run(sessions, settings, now=NOW).files_removed == 0
    assert store.path_of(message(sessions, again).raw_sha256).read_bytes() == raw_of(1)


def test_the_command_reports_per_category_and_dry_run_changes_nothing(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with db.transaction(sessions) as s:
        for n in range(3):
            add_message(s, n, received_at=datetime.now(UTC) - timedelta(days=400))
        add_message(s, 3, received_at=datetime.now(UTC) - timedelta(days=400), routed=False)
    config = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    config.write_text(f'[database]\nurl = "{url}"\n\n[retention]\nunmatched_mail_days = 365\n')
    runner = CliRunner()
    dry = runner.invoke(cli, ["--config", str(config), "retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would purge:" in dry.output and "unmatched mail: 3" in dry.output
    assert "not routed yet: 1" in dry.output and "nothing was changed" in dry.output
    with sessions() as s:
        assert s.scalar(select(func.count()).where(MessageRecord.status == "purged")) == 0
    real = runner.invoke(
        cli, ["--config", str(config), "retention", "run"], env={"MAILROUTER_ACTOR": "ops"}
    )
    assert real.exit_code == 0, real.output
    assert "Purged:" in real.output and "unmatched mail: 3" in real.output
    assert "raw message bytes: 3" in real.output
    with sessions() as s:
        assert s.scalar(select(func.count()).where(MessageRecord.status == "purged")) == 3
        assert audit.verify(s).ok


def test_disabled_retention_skips_the_daily_job(tmp_path: Path) -> None:
    config = tmp_path / "mailrouter.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/never.sqlite3"\n\n[retention]\nenabled = false\n'
    )
    assert retention_job(str(config)) == 0
    assert not (tmp_path / "never.sqlite3").exists()


def test_settings_defaults_are_consistent() -> None:
    defaults = RetentionSettings()
    assert defaults.unmatched_mail_days >= defaults.sender_data_days


def test_the_daemon_registers_the_daily_run(sessions: sessionmaker[Session]) -> None:
    settings = replace(SETTINGS, retention=replace(SETTINGS.retention, time="03:15"))

    async def start() -> dict[str, tuple[str, int, int]]:
        scheduler = daemon._scheduler(settings, sessions, "/etc/mr.toml")
        try:
            return {
                job.id: (
                    job.func_ref,
                    job.next_run_time.astimezone(settings.tz).hour,
                    job.next_run_time.astimezone(settings.tz).minute,
                )
                for job in scheduler.get_jobs()
            }
        finally:
            scheduler.shutdown(wait=False)

    jobs = asyncio.run(start())
    assert jobs[schedule.JOB_ID] == (schedule.JOB_FUNC, 3, 15)


def test_the_log_line_has_counts_only(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    with db.transaction(sessions) as s:
        add_message(s, 1)
    with caplog.at_level(logging.INFO, logger="mailrouter.retention.run"):
        run(sessions, SETTINGS, now=NOW)
    [line] = [r.getMessage() for r in caplog.records if r.name == "mailrouter.retention.run"]
    assert "unmatched=1" in line and "raw_erased=1" in line
    assert "@" not in line and "bins" not in line


def test_a_copy_stored_after_its_bytes_were_erased_is_reported(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    with db.transaction(sessions) as s:
        add_message(s, 1)
    run(sessions, SETTINGS, now=NOW)
    with db.transaction(sessions) as s:
        # As the database raw store leaves it: the existing row, without bytes.
        add_message(s, 2, raw=raw_of(1), received_at=NOW - timedelta(days=1))
    with caplog.at_level(logging.WARNING, logger="mailrouter.retention.run"):
        summary = run(sessions, SETTINGS, now=NOW)
    assert summary.bytes_missing == 1
    assert "retention.bytes_missing live_messages=1" in caplog.text
