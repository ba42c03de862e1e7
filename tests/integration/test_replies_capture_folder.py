"""End to end from a SPOC's mail client: capture folder -> held -> released -> Sent copy.

Real Dovecot and a real aiosmtpd sink, on both databases, driven by the
daemon's own ``run_once`` (ingest, route, perform) with a fixed clock. The
SPOC saves two drafts into "Managed contact/Outbox": one names its case in
the subject and is held for the case's release date and moved to the Queued
folder; the other cannot be tied to a case, so it bounces to the SPOC with the
reason and moves to "Not held". Neither is ever diverted or forwarded. On the
release date the reply reaches the customer once, however many passes (or
daemons) run, and one copy with the same Message-ID lands in the SPOC's Sent
folder.
"""

from __future__ import annotations

import asyncio
import email
from collections.abc import Iterator
from datetime import UTC, datetime
from email.policy import default as default_policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import daemon
from mailrouter.actions.mailbox import ImapMover
from mailrouter.cli import cli
from mailrouter.config import (
    DetectionSettings,
    MailboxSettings,
    Secret,
    Settings,
    SmtpSettings,
    SpocSettings,
)
from mailrouter.register import audit as register_audit
from mailrouter.replies import audit, hold
from mailrouter.store import db
from mailrouter.store.models import MessageRecord, OutboxRow
from mailrouter.store.models.register import AuditRow
from mailrouter.store.models.replies import SENT, HeldReply
from mailrouter.store.models.routing import CaseContact, DecisionRow
from mailrouter.testing.servers import SmtpSink
from tests.conftest import ImapAccount
from tests.integration.test_replies_hold import REFERENCE, seed_case, seed_message

CAPTURE = "Managed contact/Outbox"
SAVED = datetime(2026, 1, 26, 10, 0, tzinfo=UTC)
RELEASE = datetime(2026, 2, 6, 7, 0, tzinfo=UTC)
SPOC_ADDRESS = "jane.smith@council.example"


def settings_for(account: ImapAccount, sink: SmtpSink) -> Settings:
    mailbox = MailboxSettings(
        name="jane",
        username=account.username,
        password=Secret(account.password),
        host=account.host,
        port=account.port,
        security="none",
        folders=("INBOX",),
        idle=False,
    )
    spoc = SpocSettings(
        id="jsmith",
        name="Jane Smith",
        email=SPOC_ADDRESS,
        capture_mailbox="jane",
        capture_folder=CAPTURE,
        sent_folder="Sent",
    )
    return Settings(
        smtp=SmtpSettings(port=sink.port, from_address="mc@council.example"),
        mailboxes=(mailbox,),
        spocs=(spoc,),
        detection=DetectionSettings(enabled=False),
    )


def saved_draft(subject: str, n: int) -> bytes:
    return (
        f"From: Jane Smith <{SPOC_ADDRESS}>\r\nTo: Jo Bloggs <jo@example.org>\r\n"
        f"Subject: {subject}\r\nMessage-ID: <draft{n}@council.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nDear Jo,\r\n\r\nThe repair is booked.\r\n"
    ).encode()


@pytest.fixture
def client(imap_account: ImapAccount) -> Iterator[IMAPClient]:
    imap = IMAPClient(imap_account.host, port=imap_account.port, ssl=False, timeout=10)
    imap.login(imap_account.username, imap_account.password)
    yield imap
    imap.logout()


def message_ids(client: IMAPClient, folder: str) -> list[str]:
    if not client.folder_exists(folder):
        return []
    client.select_folder(folder, readonly=True)
    uids = client.search()
    data = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]) if uids else {}
    return sorted(
        v[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
        for v in data.values()
    )


@pytest.fixture
def config_file(engine: Engine, tmp_path: Path) -> Path:
    path = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    path.write_text(f'[database]\nurl = "{url}"\n')
    return path


def listed(config_file: Path) -> str:
    """`mailrouter replies list`, as a SPOC or IG officer runs it."""
    result = CliRunner().invoke(cli, ["--config", str(config_file), "replies", "list"])
    assert result.exit_code == 0, result.output
    return result.output


def one_pass(settings: Settings, sessions: sessionmaker[Session], now: datetime) -> int:
    summary = asyncio.run(daemon.run_once(settings, sessions, clock=lambda: now))
    return summary.effects


def test_a_reply_saved_in_the_capture_folder_is_held_released_once_and_filed_in_sent(
    imap_account: ImapAccount,
    client: IMAPClient,
    sessions: sessionmaker[Session],
    smtp_sink: SmtpSink,
    config_file: Path,
) -> None:
    settings = settings_for(imap_account, smtp_sink)
    case_id = seed_case(sessions)
    customer_pk = seed_message(sessions, 1, [])
    with db.transaction(sessions) as session:
        session.add(CaseContact(case_id=case_id, message_pk=customer_pk, kind="diverted"))
        # Seeded as already routed (its decision is part of the seed).
        session.get(MessageRecord, customer_pk).routed_at = SAVED  # type: ignore[union-attr]
    client.create_folder(CAPTURE)
    client.append(CAPTURE, saved_draft(f"Re: [Managed contact {REFERENCE}] Repairs", 1))
    client.append(CAPTURE, saved_draft("Re: your letter", 2))

    # Ingest, route (capture), then the moves and the bounce: one daemon pass.
    one_pass(settings, sessions, SAVED)
    (bounce,) = smtp_sink.wait_for(1)
    assert bounce.rcpt_tos == (SPOC_ADDRESS,)
    assert bounce.message["Subject"] == "Not held: Re: your letter"
    text = email.message_from_bytes(bounce.data, policy=default_policy).get_body()
    assert text is not None
    assert "not held for sending: no case reference was found" in text.get_content()
    assert message_ids(client, CAPTURE) == []
    assert message_ids(client, f"{CAPTURE}/Queued") == ["<draft1@council.example>"]
    assert message_ids(client, f"{CAPTURE}/Not held") == ["<draft2@council.example>"]

    with sessions() as session:
        (reply,) = session.scalars(select(HeldReply)).all()
        assert (reply.release_on.isoformat(), reply.subject) == ("2026-02-06", "Re: Repairs")
        assert reply.in_reply_to == "<orig1@example.org>"
        assert reply.source_message_pk is not None
        decisions = session.scalars(select(DecisionRow).order_by(DecisionRow.id)).all()
        # Decided "none" with the capture outcome: nothing diverted, forwarded or alerted.
        assert [d.verdict for d in decisions[1:]] == ["none", "none"]
        assert decisions[1].reasons == ["reply capture: held for 2026-02-06"]
        kinds = sorted(r.kind for r in session.scalars(select(OutboxRow)))
        assert kinds == ["move", "move", "reply-bounce"]

    listing = listed(config_file)
    assert "jsmith       held      2026-02-06  Re: Repairs" in listing

    # A restart before the release date: nothing new is sent.
    one_pass(settings, sessions, SAVED.replace(day=30))
    assert len(smtp_sink.messages) == 1

    with db.transaction(sessions) as session:
        assert len(hold.release_due(session, now=RELEASE, settings=settings)) == 1

    async def two_daemons() -> None:
        await asyncio.gather(
            daemon.run_once(settings, sessions, clock=lambda: RELEASE),
            daemon.run_once(settings, sessions, clock=lambda: RELEASE),
        )

    asyncio.run(two_daemons())
    one_pass(settings, sessions, RELEASE)
    got = smtp_sink.wait_for(2)
    assert len(got) == 2, "the reply went exactly once"
    sent = email.message_from_bytes(got[1].data, policy=default_policy)
    assert got[1].rcpt_tos == ("jo@example.org",)
    assert sent["In-Reply-To"] == "<orig1@example.org>"
    with sessions() as session:
        done = session.scalars(select(HeldReply)).one()
        assert done.state == SENT
        assert done.sent_copy_at is not None
        assert sent["Message-ID"] == done.message_id
        assert register_audit.verify(session).ok
        actions = [
            a
            for a in session.scalars(select(AuditRow.action).order_by(AuditRow.seq))
            if a.startswith("reply.")
        ]
    assert message_ids(client, "Sent") == [done.message_id]
    assert len(smtp_sink.messages) == 2
    assert actions == [
        audit.CAPTURED,
        audit.BOUNCED,
        audit.RELEASED,
        audit.SENT,
        audit.SENT_COPY,
    ]


def test_filing_a_sent_copy_again_after_a_crash_leaves_one_copy(
    imap_account: ImapAccount, client: IMAPClient, smtp_sink: SmtpSink
) -> None:
    mover = ImapMover(settings_for(imap_account, smtp_sink).mailboxes)
    data = saved_draft("Re: Repairs", 7)
    first = mover.append("jane", "Sent", data, message_id="<draft7@council.example>", when=SAVED)
    again = mover.append("jane", "Sent", data, message_id="<draft7@council.example>", when=SAVED)
    assert (first, again) == (True, False)
    assert message_ids(client, "Sent") == ["<draft7@council.example>"]
