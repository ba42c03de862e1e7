"""Release rules on both databases: open statutory requests, ended cases, cancelling, the audit.

The case (decided Friday 9 January 2026, fortnightly) releases on 6 February.
A SAR due Thursday 5 February that no reply answers brings every held reply
of the case to Wednesday 4 February. Closing the case through the register
releases its held replies at the next performer pass. Every step leaves a row
on the register's hash-chained audit, and the chain still verifies.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings, SmtpSettings, SpocSettings
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.register import audit as register_audit
from mailrouter.register.service import Register
from mailrouter.replies import audit, hold
from mailrouter.replies.performer import ReplyPerformer
from mailrouter.store import db
from mailrouter.store.models.register import AuditRow, Case
from mailrouter.store.models.replies import CANCELLED, HELD, QUEUED, SENT, HeldReply
from mailrouter.store.models.routing import CaseContact
from mailrouter.testing.servers import SmtpSink
from tests.integration.test_replies_hold import REFERENCE, draft, seed_case, seed_message

CAPTURED = datetime(2026, 1, 26, 10, 0, tzinfo=UTC)
SAR_HIT: dict[str, object] = {
    "step": "statutory-request",
    "verdict": "none",
    "detail": "SAR, due 2026-02-05",
}
SPOC = SpocSettings(id="jsmith", name="Jane Smith", email="jane.smith@council.example")


def settings_for(port: int = 25) -> Settings:
    return Settings(smtp=SmtpSettings(port=port, from_address="mc@council.example"), spocs=(SPOC,))


def contact(
    sessions: sessionmaker[Session], case_id: int, n: int, hits: list[dict[str, object]]
) -> int:
    pk = seed_message(sessions, n, hits)
    with db.transaction(sessions) as session:
        session.add(CaseContact(case_id=case_id, message_pk=pk, kind="diverted"))
    return pk


def capture(sessions: sessionmaker[Session], n: int, *, when: datetime = CAPTURED) -> HeldReply:
    with db.transaction(sessions) as session:
        reply = hold.capture(
            session,
            case_reference=REFERENCE,
            raw=draft(n),
            actor="jsmith",
            now=when,
            settings=settings_for(),
        )
        session.expunge(reply)
    return reply


def release(sessions: sessionmaker[Session], when: datetime) -> list[hold.Released]:
    with db.transaction(sessions) as session:
        return hold.release_due(session, now=when, settings=settings_for())


def reply_row(sessions: sessionmaker[Session], reply_id: int) -> HeldReply:
    with sessions() as session:
        reply = session.get(HeldReply, reply_id)
        assert reply is not None
        session.expunge(reply)
        return reply


def audited(sessions: sessionmaker[Session]) -> list[tuple[str, str, object]]:
    with sessions() as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.action.like("reply.%")).order_by(AuditRow.seq)
        ).all()
        assert register_audit.verify(session).ok
    return [(r.action, r.entity_id, (r.payload or {}).get("after")) for r in rows]


def test_a_draft_that_names_no_statutory_message_still_leaves_before_the_deadline(
    sessions: sessionmaker[Session],
) -> None:
    case_id = seed_case(sessions)
    contact(sessions, case_id, 1, [])
    contact(sessions, case_id, 2, [SAR_HIT])
    # Draft 1 answers message 1 (no deadline), but the SAR of message 2 is unanswered.
    first = capture(sessions, 1)
    assert first.release_on == date(2026, 2, 4)
    assert first.early_reason is not None
    assert first.early_reason.startswith("SAR due 2026-02-05 is unanswered")


def test_a_request_arriving_after_capture_brings_the_release_forward_with_the_reason(
    sessions: sessionmaker[Session],
) -> None:
    case_id = seed_case(sessions)
    contact(sessions, case_id, 1, [])
    held = capture(sessions, 1)
    assert (held.release_on, held.early_reason) == (date(2026, 2, 6), None)
    contact(sessions, case_id, 2, [SAR_HIT])

    assert release(sessions, datetime(2026, 2, 3, 7, 0, tzinfo=UTC)) == []
    moved = reply_row(sessions, held.id)
    assert (moved.state, moved.release_on) == (HELD, date(2026, 2, 4))
    (released,) = release(sessions, datetime(2026, 2, 4, 7, 0, tzinfo=UTC))
    assert released.reply_ids == (held.id,)
    done = reply_row(sessions, held.id)
    assert done.state == QUEUED
    assert done.release_reason is not None
    assert "SAR due 2026-02-05 is unanswered" in done.release_reason

    # Once a reply answering the SAR itself has gone, the request no longer bounds others.
    with db.transaction(sessions) as session:
        session.get(HeldReply, held.id).replied_message_pk = 2  # type: ignore[union-attr]
    later = capture(sessions, 3, when=datetime(2026, 2, 4, 12, 0, tzinfo=UTC))
    assert (later.release_on, later.early_reason) == (date(2026, 2, 6), None)

    assert [(a, e) for a, e, _ in audited(sessions)] == [
        (audit.CAPTURED, str(held.id)),
        (audit.RELEASED, str(held.id)),
        (audit.CAPTURED, str(later.id)),
    ]
    reason = audited(sessions)[1][2]
    assert isinstance(reason, dict)
    assert str(reason["reason"]).startswith("SAR due 2026-02-05")


def test_closing_the_case_releases_held_replies_at_the_next_performer_pass(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    case_id = seed_case(sessions)
    contact(sessions, case_id, 1, [])
    contact(sessions, case_id, 2, [])
    kept, withdrawn = capture(sessions, 1), capture(sessions, 2)
    with db.transaction(sessions) as session:
        hold.cancel(session, withdrawn.id, actor="jsmith", reason="answered by phone", now=CAPTURED)
    closed_at = datetime(2026, 1, 28, 9, 0, tzinfo=UTC)
    Register(sessions, settings_for()).close(
        REFERENCE,
        on=closed_at.date(),
        reason="behaviour improved",
        actor="ig.officer",
        now=closed_at,
    )
    settings = settings_for(smtp_sink.port)

    async def one_pass() -> int:
        async with SmtpTransport(settings.smtp) as transport:
            performer = ReplyPerformer(
                sessions=sessions,
                transport=transport,
                settings=settings,
                worker_id="p1",
                clock=lambda: datetime(2026, 1, 28, 9, 5, tzinfo=UTC),
            )
            return await performer.run_once()

    assert asyncio.run(one_pass()) == 1
    (sent,) = smtp_sink.wait_for(1)
    assert sent.rcpt_tos == ("jo@example.org",)
    assert asyncio.run(one_pass()) == 0, "released once"
    done = reply_row(sessions, kept.id)
    assert done.state == SENT
    assert done.release_reason == "the case was closed on 2026-01-28: replies are no longer held"
    assert reply_row(sessions, withdrawn.id).state == CANCELLED

    events = audited(sessions)
    assert [(a, e) for a, e, _ in events] == [
        (audit.CAPTURED, str(kept.id)),
        (audit.CAPTURED, str(withdrawn.id)),
        (audit.CANCELLED, str(withdrawn.id)),
        (audit.RELEASED, str(kept.id)),
        (audit.SENT, str(kept.id)),
    ]
    assert isinstance(events[2][2], dict)
    assert events[2][2]["reason"] == "answered by phone"
    assert isinstance(events[4][2], dict)
    assert events[4][2]["message_id"] == done.message_id
    # Nothing of the reply's text reaches the audit.
    with sessions() as session:
        payloads = [str(r.payload) for r in session.scalars(select(AuditRow))]
    assert not any("we will fix it" in p for p in payloads)


def test_a_lapsed_arrangement_releases_without_waiting_for_the_cadence(
    sessions: sessionmaker[Session],
) -> None:
    case_id = seed_case(sessions)
    seed_message(sessions, 1, [])
    with db.transaction(sessions) as session:
        session.get(Case, case_id).expires_on = date(2026, 7, 5)  # type: ignore[union-attr]
    held = capture(sessions, 1, when=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    assert held.release_on == date(2026, 7, 10)
    with db.transaction(sessions) as session:
        on_expiry = datetime(2026, 7, 5, 12, 0, tzinfo=UTC)
        assert hold.release_due(session, now=on_expiry, settings=settings_for()) == []
        # The performer's cheap check, the day after expiry.
        after = datetime(2026, 7, 6, 7, 0, tzinfo=UTC)
        (released,) = hold.release_due(session, now=after, settings=settings_for(), ended_only=True)
    assert released.reply_ids == (held.id,)
    assert reply_row(sessions, held.id).release_reason == (
        "the stage 2 arrangement lapsed on 2026-07-05: replies are no longer held"
    )
