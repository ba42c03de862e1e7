"""A draft that ingestion quarantines in a capture folder is bounced to the folder's owner, once.

Real Dovecot, a real aiosmtpd sink and both databases, driven by the daemon's
own ``run_once`` (ingest, route, perform). Parsing limits are set low so that
ordinary drafts cross them: one too large (from the SPOC), one with too many
attachments and a forged From. Both are quarantined by ingestion (whose code
is not involved beyond that); each bounce goes to the capture folder's owner,
never to the forged sender, says the draft was NOT held, why and what to do,
and the draft moves to "Not held". Later passes, a restart and two daemons at
once bounce nothing twice; a quarantined message outside a capture folder is
left alone.
"""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.policy import default as default_policy

import pytest
from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import daemon, quarantine
from mailrouter.config import LimitSettings, Settings
from mailrouter.rawstore import from_settings
from mailrouter.register import audit as register_audit
from mailrouter.replies import audit
from mailrouter.replies.quarantined import bounce_key
from mailrouter.store import db
from mailrouter.store.models import MessageRecord, OutboxRow
from mailrouter.store.models.register import AuditRow
from mailrouter.store.models.replies import HeldReply
from mailrouter.store.models.routing import DecisionRow
from mailrouter.testing.servers import SmtpSink
from tests.conftest import ImapAccount
from tests.integration.test_replies_capture_folder import CAPTURE, SPOC_ADDRESS, message_ids
from tests.integration.test_replies_capture_folder import settings_for as capture_settings

NOT_HELD = f"{CAPTURE}/Not held"
SAVED = datetime(2026, 1, 26, 6, 0, tzinfo=UTC)  # before the day's digests and releases
FORGER = "mallory@evil.example"


def settings_for(account: ImapAccount, sink: SmtpSink) -> Settings:
    """The capture-folder test's settings, with parsing limits ordinary drafts can cross."""
    settings = capture_settings(account, sink)
    return replace(settings, limits=LimitSettings(max_message_bytes=20_000, max_parts=5))


def draft(n: int, *, sender: str = SPOC_ADDRESS, body: str = "", attachments: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "jo@example.org"
    message["Subject"] = f"Re: Repairs {n}"
    message["Message-ID"] = f"<draft{n}@council.example>"
    message.set_content(body or "Dear Jo,\n\nThe repair is booked.\n")
    for i in range(attachments):
        message.add_attachment(b"%d" % i, maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes(policy=SMTP)


@pytest.fixture
def client(imap_account: ImapAccount) -> Iterator[IMAPClient]:
    imap = IMAPClient(imap_account.host, port=imap_account.port, ssl=False, timeout=10)
    imap.login(imap_account.username, imap_account.password)
    imap.create_folder(CAPTURE)
    yield imap
    imap.logout()


def one_pass(settings: Settings, sessions: sessionmaker[Session], now: datetime) -> None:
    asyncio.run(daemon.run_once(settings, sessions, clock=lambda: now))


def body_of(data: bytes) -> str:
    part = email.message_from_bytes(data, policy=default_policy).get_body()
    assert part is not None
    return " ".join(str(part.get_content()).split())


def bounce_actions(sessions: sessionmaker[Session]) -> list[dict[str, object]]:
    with sessions() as session:
        rows = session.scalars(
            select(AuditRow).where(AuditRow.action == audit.BOUNCED).order_by(AuditRow.seq)
        ).all()
        assert register_audit.verify(session).ok
    found = [(row.payload or {}).get("after") for row in rows]
    return [after if isinstance(after, dict) else {} for after in found]


def test_quarantined_drafts_bounce_to_the_folder_owner_once_and_move_to_not_held(
    imap_account: ImapAccount,
    client: IMAPClient,
    sessions: sessionmaker[Session],
    smtp_sink: SmtpSink,
) -> None:
    settings = settings_for(imap_account, smtp_sink)
    client.append(CAPTURE, draft(1, body="x" * 30_000))
    client.append(CAPTURE, draft(2, sender=f"Jane Smith <{FORGER}>", attachments=8))
    # Quarantined too, but in the SPOC's inbox: not a draft, nobody is told.
    client.append("INBOX", draft(3, body="y" * 30_000))

    one_pass(settings, sessions, SAVED)

    got = smtp_sink.wait_for(2)
    assert len(got) == 2
    assert {r.rcpt_tos for r in got} == {(SPOC_ADDRESS,)}, "never to the forged From"
    by_subject = {str(r.message["Subject"]): body_of(r.data) for r in got}
    large = by_subject["Not held: Re: Repairs 1"]
    assert 'Your reply with the subject "Re: Repairs 1" was NOT held for sending' in large
    assert "because it is too large (31 KB; the largest mailrouter accepts is 20 KB)" in large
    assert "Nothing has been sent to the customer" in large
    assert "Take out large attachments" in large
    assert 'moved to your "Managed contact/Outbox/Not held" folder' in large
    parts = by_subject["Not held: Re: Repairs 2"]
    assert "too many attachments and parts (more than 5)" in parts
    assert all("limits." not in text for text in by_subject.values())

    assert message_ids(client, CAPTURE) == []
    assert message_ids(client, NOT_HELD) == ["<draft1@council.example>", "<draft2@council.example>"]
    assert message_ids(client, "INBOX") == ["<draft3@council.example>"]
    with sessions() as session:
        records = session.scalars(select(MessageRecord).order_by(MessageRecord.id)).all()
        assert [r.status for r in records] == ["quarantined"] * 3
        assert all(r.routed_at is None for r in records), "the rows are left for quarantine retry"
        keys = sorted(session.scalars(select(OutboxRow.idempotency_key)))
    drafts = [r for r in records if r.folder == CAPTURE]
    assert [k for k in keys if k.startswith("reply-bounce")] == sorted(
        bounce_key(r.id) for r in drafts
    )
    found = bounce_actions(sessions)
    assert [a["message_pk"] for a in found] == [r.id for r in drafts]
    assert "max_message_bytes" in str(found[0]["quarantine_reason"]), "IG sees the real reason"

    # The next pass, a restart a day later: nothing is bounced again.
    one_pass(settings, sessions, SAVED + timedelta(minutes=5))
    one_pass(settings, sessions, SAVED + timedelta(days=1))
    assert len(smtp_sink.messages) == 2
    assert len(bounce_actions(sessions)) == 2


def test_two_daemons_bounce_a_quarantined_draft_once(
    imap_account: ImapAccount,
    client: IMAPClient,
    sessions: sessionmaker[Session],
    smtp_sink: SmtpSink,
) -> None:
    settings = settings_for(imap_account, smtp_sink)
    client.append(CAPTURE, draft(4, attachments=9))

    async def two_daemons() -> None:
        await asyncio.gather(
            daemon.run_once(settings, sessions, clock=lambda: SAVED),
            daemon.run_once(settings, sessions, clock=lambda: SAVED),
        )

    asyncio.run(two_daemons())
    one_pass(settings, sessions, SAVED + timedelta(hours=1))
    (bounce,) = smtp_sink.wait_for(1)
    assert bounce.rcpt_tos == (SPOC_ADDRESS,)
    assert len(smtp_sink.messages) == 1
    assert len(bounce_actions(sessions)) == 1
    assert message_ids(client, NOT_HELD) == ["<draft4@council.example>"]


def test_a_bounce_the_relay_refuses_is_sent_later_still_once(
    imap_account: ImapAccount,
    client: IMAPClient,
    sessions: sessionmaker[Session],
    smtp_sink: SmtpSink,
) -> None:
    settings = settings_for(imap_account, smtp_sink)
    client.append(CAPTURE, draft(5, body="z" * 25_000))
    smtp_sink.reject_with = "451 4.3.0 relay busy"
    one_pass(settings, sessions, SAVED)
    assert smtp_sink.messages == []
    smtp_sink.reject_with = None
    # After the backoff the same row is sent; no second bounce row was ever made.
    one_pass(settings, sessions, SAVED + timedelta(hours=2))
    (bounce,) = smtp_sink.wait_for(1)
    assert "too large" in body_of(bounce.data)
    with db.transaction(sessions) as session:
        kinds = sorted(session.scalars(select(OutboxRow.kind)))
    assert kinds == ["move", "reply-bounce"]


def test_a_bounced_draft_parsed_again_later_stays_not_held(
    imap_account: ImapAccount,
    client: IMAPClient,
    sessions: sessionmaker[Session],
    smtp_sink: SmtpSink,
) -> None:
    settings = settings_for(imap_account, smtp_sink)
    client.append(CAPTURE, draft(6, body="w" * 30_000))
    one_pass(settings, sessions, SAVED)
    smtp_sink.wait_for(1)
    with sessions() as session:
        pk = session.scalars(select(MessageRecord.id)).one()
    # An operator raises the limit and retries the quarantine: the draft now parses...
    roomy = replace(settings, limits=LimitSettings())
    [retried] = quarantine.retry(sessions, from_settings(roomy), roomy, [pk], now=SAVED)
    assert retried.status == "parsed"
    one_pass(roomy, sessions, SAVED + timedelta(minutes=1))
    # ...but its owner was told it was NOT held, so it is not held now either.
    with sessions() as session:
        assert session.scalars(select(HeldReply)).all() == []
        decision = session.scalars(select(DecisionRow).where(DecisionRow.message_pk == pk)).one()
    assert decision.reasons == ["reply capture: already returned to its owner while quarantined"]
    assert len(smtp_sink.messages) == 1
    assert len(bounce_actions(sessions)) == 1
