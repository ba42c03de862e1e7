"""The routing hook: metrics are counted in the router's transaction, exactly once per message.

``Router._decide`` calls ``record_message_metrics``; a group that fails and is
retried one by one must still count each message once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config
from mailrouter.domain import CaseMatch, DetectedHit, RoutedMessage
from mailrouter.routing import Router
from mailrouter.store import db
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.metrics import SenderDay, SenderWeekRecipient

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _lookup(session: Session, addresses: Sequence[str], now: datetime) -> tuple[CaseMatch, ...]:
    if "bad@example.org" in addresses:
        raise RuntimeError("register unreadable for this one")
    return ()


def _detect(msg: RoutedMessage, now: datetime) -> tuple[DetectedHit, ...]:
    return (DetectedHit("abuse", 0.9),) if msg.sender == "rude@example.org" else ()


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
                subject="s",
                mailbox="intake",
                folder="INBOX",
                received_at=NOW,
            )
            s.add(record)
            s.flush()
            s.add(MessageAddress(message_pk=record.id, role="from", address=sender))
            s.add(MessageAddress(message_pk=record.id, role="to", address="intake@council.example"))


def test_routing_counts_each_message_once(sessions: sessionmaker[Session]) -> None:
    _store(sessions, ["ok@example.org"] * 3 + ["rude@example.org", "bad@example.org"])
    router = Router(config.Settings(), _lookup, _detect, lambda s, r: "", detect_everyone=True)
    stats = router.route_pending(sessions, NOW)
    assert (stats.routed, stats.failed) == (4, 1)
    assert router.route_pending(sessions, NOW).routed == 0
    with sessions() as s:
        days = {r.sender: r for r in s.scalars(select(SenderDay))}
        staff = s.scalars(select(SenderWeekRecipient.recipient)).all()
    assert set(days) == {"ok@example.org", "rude@example.org"}  # the quarantined one is not counted
    assert (days["ok@example.org"].messages, days["ok@example.org"].abusive) == (3, 0)
    assert (days["rude@example.org"].messages, days["rude@example.org"].abusive) == (1, 1)
    assert set(staff) == {"intake@council.example"}
