"""Capturing SPOCs' replies from mail: by subject tag, by the cover note, or back to the SPOC."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.compose import message_id_for
from mailrouter.config import Settings, SmtpSettings, SpocSettings
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.replies.capture import BOUNCE, capture_mail, case_reference_in
from mailrouter.replies.performer import ReplyPerformer
from mailrouter.store import db, outbox
from mailrouter.store.models import OutboxRow
from mailrouter.store.models.replies import HeldReply
from mailrouter.store.models.routing import CaseContact
from mailrouter.testing.servers import SmtpSink
from tests.integration.test_replies_hold import REFERENCE, seed_case, seed_message

NOW = datetime(2026, 1, 26, 10, 0, tzinfo=UTC)
SPOC = SpocSettings(id="jsmith", name="Jane Smith", email="jane.smith@council.example")


def settings_for(port: int = 25) -> Settings:
    return Settings(smtp=SmtpSettings(port=port, from_address="mc@council.example"), spocs=(SPOC,))


def mail(subject: str, *, sender: str = SPOC.email, in_reply_to: str = "") -> bytes:
    thread = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    return (
        f"From: Jane <{sender}>\r\nTo: replies@council.example\r\nSubject: {subject}\r\n"
        f"{thread}Content-Type: text/plain\r\n\r\nDear Jo, fixed.\r\n"
    ).encode()


def capture(sessions: sessionmaker[Session], raw: bytes, settings: Settings) -> str:
    with db.transaction(sessions) as session:
        return capture_mail(session, raw, now=NOW, settings=settings).reason


def test_the_subject_tag_names_the_case() -> None:
    assert case_reference_in("RE: [Managed contact MC-2026-0001] Repairs") == REFERENCE
    assert case_reference_in("Re: Repairs") is None


def test_captured_by_subject_tag_answers_the_latest_diverted_message(
    sessions: sessionmaker[Session],
) -> None:
    case_id = seed_case(sessions)
    pk = seed_message(sessions, 1, [])
    with db.transaction(sessions) as session:
        session.add(CaseContact(case_id=case_id, message_pk=pk, kind="diverted"))
    reason = capture(sessions, mail(f"Re: [Managed contact {REFERENCE}] Repairs 1"), settings_for())
    assert reason == "held for 2026-02-06"
    with sessions() as session:
        reply = session.scalars(select(HeldReply)).one()
    assert (reply.to_address, reply.in_reply_to) == ("jo@example.org", "<orig1@example.org>")
    assert reply.subject == "Re: Repairs 1"


def test_captured_by_replying_to_the_cover_note(sessions: sessionmaker[Session]) -> None:
    case_id = seed_case(sessions)
    pk = seed_message(sessions, 1, [])
    key = "forward:intake/INBOX:1:1:jsmith"
    with db.transaction(sessions) as session:
        payload = {"to": SPOC.email, "case_id": case_id, "message_pk": pk}
        outbox.enqueue(session, key=key, kind="forward", payload=payload, now=NOW)
    cover = message_id_for(key, "mc@council.example")
    assert capture(sessions, mail("Re: Repairs", in_reply_to=cover), settings_for()).startswith(
        "held"
    )
    with sessions() as session:
        assert session.scalars(select(HeldReply.in_reply_to)).one() == "<orig1@example.org>"


def test_unidentified_drafts_bounce_once_to_the_spoc_and_strangers_are_ignored(
    sessions: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    seed_case(sessions)
    settings = settings_for(smtp_sink.port)
    assert "no case reference" in capture(sessions, mail("Re: Repairs"), settings)
    # The same draft delivered again bounces once.
    capture(sessions, mail("Re: Repairs"), settings)
    other = mail("Re: [Managed contact MC-2026-0999] x")
    assert "not the SPOC" in capture(sessions, other, settings)
    stranger = mail(f"[Managed contact {REFERENCE}] hi", sender="someone@evil.example")
    assert capture(sessions, stranger, settings) == "not from a configured SPOC"
    with sessions() as session:
        assert [r.kind for r in session.scalars(select(OutboxRow))] == [BOUNCE, BOUNCE]
        assert session.scalars(select(HeldReply)).all() == []

    async def go() -> int:
        async with SmtpTransport(settings.smtp) as transport:
            performer = ReplyPerformer(
                sessions=sessions, transport=transport, settings=settings, worker_id="p1"
            )
            return await performer.run_once()

    assert asyncio.run(go()) == 2
    got = smtp_sink.wait_for(2)
    assert {r.rcpt_tos for r in got} == {(SPOC.email,)}
    first = got[0].message
    assert first["Subject"] == "Not held: Re: Repairs"
    assert first["Auto-Submitted"] == "auto-replied"


def test_a_draft_in_a_spocs_own_folder_from_another_address_goes_back_to_its_owner(
    sessions: sessionmaker[Session],
) -> None:
    seed_case(sessions)
    draft = mail(f"Re: [Managed contact {REFERENCE}] Repairs", sender="jane@home.example")
    with db.transaction(sessions) as session:
        result = capture_mail(session, draft, now=NOW, settings=settings_for(), owners=(SPOC,))
    assert result.bounced and result.spoc == SPOC
    assert "not a configured SPOC's" in result.reason
    # In a shared capture mailbox (several owners) a stranger's mail is left alone.
    other = SpocSettings(id="akhan", name="Aisha Khan", email="aisha.khan@council.example")
    with db.transaction(sessions) as session:
        shared = capture_mail(
            session, draft, now=NOW, settings=settings_for(), owners=(SPOC, other)
        )
    assert (shared.bounced, shared.held_id, shared.reason) == (
        False,
        None,
        "not from a configured SPOC",
    )


def test_captured_when_only_references_names_the_cover_note(
    sessions: sessionmaker[Session],
) -> None:
    case_id = seed_case(sessions)
    pk = seed_message(sessions, 1, [])
    key = "forward:intake/INBOX:1:1:jsmith"
    with db.transaction(sessions) as session:
        payload = {"to": SPOC.email, "case_id": case_id, "message_pk": pk}
        outbox.enqueue(session, key=key, kind="forward", payload=payload, now=NOW)
    cover = message_id_for(key, "mc@council.example")
    raw = mail("Re: Repairs").replace(
        b"Content-Type", f"References: <older@example.org> {cover}\r\nContent-Type".encode(), 1
    )
    assert capture(sessions, raw, settings_for()) == "held for 2026-02-06"
    with sessions() as session:
        assert session.scalars(select(HeldReply.in_reply_to)).one() == "<orig1@example.org>"
