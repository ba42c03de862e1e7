"""Exactly-once survives retention: after a purge, a UIDVALIDITY resync ingests nothing twice.

Real Dovecot, both databases, the ingestion API unchanged: the tombstones keep
the (mailbox, raw hash) and (Message-ID, body hash) that ingestion dedupes on.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.ingest_runner import ingest_once
from mailrouter.retention import rules
from mailrouter.retention.run import run
from mailrouter.store import db
from mailrouter.store.models import MailboxState, MessageRecord, RawMessage
from tests.conftest import ImapAccount
from tests.ingest_support import FAST, client, mailbox, make_settings, message, seed

# The seeded mail was received on 3 Feb 2026: 299 days before this, past 180.
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def once(settings: Settings, sessions: sessionmaker[Session]) -> None:
    reports = asyncio.run(ingest_once(settings, sessions, options=FAST))
    assert all(r.error is None for r in reports), reports


def test_a_resync_after_purge_ingests_nothing_twice(
    imap_account: ImapAccount, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    user, port = imap_account.username, imap_account.port
    seed(port, user, [message(i) for i in range(5)], folder="Cases")
    settings = make_settings(mailbox("intake", user, port, folders=("Cases",)), base_dir=tmp_path)
    once(settings, sessions)
    with db.transaction(sessions) as s:  # as the router leaves them
        s.execute(update(MessageRecord).values(routed_at=NOW))
    summary = run(sessions, settings, now=NOW)
    assert summary.purged[rules.UNMATCHED] == 5 and summary.raw_erased == 5

    imap = client(port, user)
    imap.delete_folder("Cases")
    imap.logout()
    # The same five come back under a new UIDVALIDITY (a restored folder), plus two new.
    seed(port, user, [message(i) for i in range(7)], folder="Cases")
    once(settings, sessions)

    with sessions() as s:
        statuses = dict(
            s.execute(
                select(MessageRecord.status, func.count()).group_by(MessageRecord.status)
            ).all()
        )
        assert statuses == {"purged": 5, "parsed": 2}
        new = s.scalars(select(MessageRecord.message_id).where(MessageRecord.status == "parsed"))
        assert sorted(new) == ["<m5@example.org>", "<m6@example.org>"]
        folder = s.scalars(select(MailboxState).where(MailboxState.folder == "Cases")).one()
        assert (folder.resyncs, folder.duplicates_skipped) == (1, 5)
        assert s.scalar(select(func.count()).where(RawMessage.data.is_(None))) == 5
    # Nothing came back for retention to purge a second time.
    assert sum(run(sessions, settings, now=NOW).purged.values()) == 0
