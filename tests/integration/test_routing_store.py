"""The router on both databases: one bad message is quarantined, the rest are routed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config
from mailrouter.domain import CaseMatch
from mailrouter.routing import Router
from mailrouter.store import db
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.routing import DecisionRow

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _store(sessions: sessionmaker[Session], senders: Sequence[str]) -> None:
    with db.transaction(sessions) as s:
        for n, sender in enumerate(senders):
            sha = f"{n:064d}"
            s.add(RawMessage(sha256=sha, size=1, data=b"x"))
            s.flush()
            record = MessageRecord(
                source="intake/INBOX",
                source_key=f"1:{n}",
                raw_sha256=sha,
                sender=sender,
                subject=f"s{n}",
                mailbox="intake",
                folder="INBOX",
                received_at=NOW,
            )
            s.add(record)
            s.flush()
            s.add(MessageAddress(message_pk=record.id, role="from", address=sender))


def _lookup(session: Session, addresses: Sequence[str], now: datetime) -> tuple[CaseMatch, ...]:
    if "bad@example.org" in addresses:
        raise RuntimeError("register unreadable for this one")
    return ()


def test_a_failing_message_is_quarantined_and_the_group_still_routes(
    sessions: sessionmaker[Session],
) -> None:
    _store(sessions, [f"ok{n}@example.org" for n in range(5)] + ["bad@example.org"])
    router = Router(config.Settings(), _lookup, None, lambda s, r: "")
    stats = router.route_pending(sessions, NOW)
    assert (stats.routed, stats.failed) == (5, 1)
    with sessions() as s:
        bad = s.scalars(
            select(MessageRecord).where(MessageRecord.sender == "bad@example.org")
        ).one()
        assert bad.status == "quarantined"
        assert bad.quarantine_reason is not None and "register unreadable" in bad.quarantine_reason
        assert len(s.scalars(select(DecisionRow)).all()) == 5
    assert router.route_pending(sessions, NOW).routed == 0, "routed once only"
