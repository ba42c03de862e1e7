"""Append to real Dovecot mailboxes -> `run --once` -> what the SPOC's SMTP sink and IMAP show.

Everything is real: Dovecot, aiosmtpd, the register's own operations, SQLite
and PostgreSQL. Only the clock is fixed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config, daemon
from mailrouter.demo import seed
from mailrouter.register.service import Register
from mailrouter.store.models import MessageRecord
from mailrouter.store.models.routing import CaseContact, DecisionRow
from mailrouter.testing.servers import Dovecot, Received, SmtpSink
from tests.unit.test_compose import attached_original

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
MAILBOXES = ("planning", "housing", "waste", "council-tax", "chief-exec")


def mail(sender: str, to: str, subject: str, n: int, extra: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}@council.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <m{n}.{to}@example.org>\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n"
        f"{extra}Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"Message {n} to {to}. Caf\u00e9 \u00a35.\r\n"
    ).encode()


@dataclass
class World:
    settings: config.Settings
    sessions: sessionmaker[Session]
    sink: SmtpSink
    dovecot: Dovecot
    prefix: str

    def client(self, mailbox: str) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.dovecot.port, ssl=False, timeout=10)
        client.login(f"{self.prefix}{mailbox}", self.dovecot.password)
        return client

    def append(self, mailbox: str, raw: bytes) -> None:
        client = self.client(mailbox)
        client.append("INBOX", raw)
        client.logout()

    def folder(self, mailbox: str, folder: str) -> list[bytes]:
        client = self.client(mailbox)
        if not client.folder_exists(folder):
            client.logout()
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search()
        data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        client.logout()
        return [data[uid][b"BODY[]"] for uid in sorted(data)]


_worlds = iter(range(10_000))


@pytest.fixture
def world(
    dovecot: Dovecot, smtp_sink: SmtpSink, sessions: sessionmaker[Session]
) -> Iterator[World]:
    prefix = f"w{next(_worlds)}-"
    blocks = "".join(
        f'[[mailboxes]]\nname = "{m}"\nhost = "127.0.0.1"\nport = {dovecot.port}\n'
        f'security = "none"\nusername = "{prefix}{m}"\npassword_env = "PW"\n'
        f'service = "{m}"\n'
        for m in MAILBOXES
    )
    text = (
        f'[smtp]\nport = {smtp_sink.port}\n[contacts]\nig_address = "ig@council.example"\n'
        f'service_alert_addresses = ["manager@council.example"]\n'
        f'[[spocs]]\nid = "jsmith"\nname = "Jane Smith"\nemail = "jane.smith@council.example"\n'
        + blocks
    )
    settings = config.loads(text, {"PW": dovecot.password})
    register = Register(sessions, settings)
    seed.add_stage2(
        register,
        "Derek Harker",
        ("d.harker@example.org", "dh1972@example.net"),
        spoc="jsmith",
        decided=date(2026, 10, 1),
        now=NOW,
    )
    seed.add_stage1(
        register,
        "Pauline Marsh",
        ("pmarsh@example.com",),
        spoc="jsmith",
        decided=date(2026, 10, 1),
        now=NOW,
    )
    yield World(settings, sessions, smtp_sink, dovecot, prefix)


def subject(received: Received) -> str:
    return " ".join(str(received.message["Subject"]).split())


def forwards(world: World, count: int) -> list[Received]:
    """What the SPOC received as forwards (alerts, which also arrive, are left out)."""
    world.sink.wait_for(count)
    return [r for r in world.sink.messages if subject(r).startswith("[Managed contact")]


def alerts(world: World) -> list[Received]:
    return [r for r in world.sink.messages if subject(r).startswith("URGENT")]


def run_once(world: World) -> daemon.PassSummary:
    return asyncio.run(daemon.run_once(world.settings, world.sessions, clock=lambda: NOW))


def test_stage2_mail_to_every_mailbox_is_diverted_byte_for_byte(world: World) -> None:
    originals = {}
    for n, mailbox in enumerate(MAILBOXES):
        sender = "Derek Harker <d.harker@example.org>" if n % 2 else "D H <DH1972@example.net>"
        originals[mailbox] = mail(sender, mailbox, f"Complaint {n}", n)
        world.append(mailbox, originals[mailbox])
    world.append("housing", mail("Pauline Marsh <pmarsh@example.com>", "housing", "Fence", 90))
    world.append("waste", mail("Sam <sam@example.com>", "waste", "Missed bin", 91))

    summary = run_once(world)

    assert summary.stored == 7
    assert summary.routing.diverted == 5
    received = forwards(world, 5)
    assert len(received) == 5
    assert {r.rcpt_tos for r in received} == {("jane.smith@council.example",)}
    attached = sorted(attached_original(r.data) for r in received)
    assert attached == sorted(originals.values())
    for mailbox in MAILBOXES:
        inbox = world.folder(mailbox, "INBOX")
        assert originals[mailbox] not in inbox, f"{mailbox}: original still in the inbox"
        assert world.folder(mailbox, "Managed contact") == [originals[mailbox]]
    # Stage 1 and other senders stay put; stage 1 is recorded as evidence.
    assert len(world.folder("housing", "INBOX")) == 1
    assert len(world.folder("waste", "INBOX")) == 1
    with world.sessions() as session:
        kinds = sorted(session.scalars(select(CaseContact.kind)))
        assert kinds == ["diverted"] * 5 + ["evidence"]
        verdicts = dict(
            session.execute(
                select(MessageRecord.subject, DecisionRow.verdict).join(
                    DecisionRow, DecisionRow.message_pk == MessageRecord.id
                )
            ).all()
        )
        assert verdicts["Missed bin"] == "none"
        assert verdicts["Fence"] == "record"
    # A second pass finds nothing new and sends nothing again.
    sent = len(world.sink.messages)
    again = run_once(world)
    assert (again.stored, again.routing.routed, again.effects) == (0, 0, 0)
    assert len(world.sink.messages) == sent


def test_statutory_request_and_threat_alert_at_once(world: World) -> None:
    foi = mail(
        "d.harker@example.org",
        "chief-exec",
        "Freedom of information request",
        1,
    ).replace(
        b"Message 1 to chief-exec.",
        b"Under the Freedom of Information Act please send me the number of "
        b"enforcement notices issued in 2025.",
    )
    threat = mail("pmarsh@example.com", "waste", "Your crew", 2).replace(
        b"Message 2 to waste.",
        b"I know which depot your crew park at. If my bin is missed again one of them "
        b"will get hurt.",
    )
    world.append("chief-exec", foi)
    world.append("waste", threat)
    run_once(world)
    world.sink.wait_for(3)
    kinds = {subject(r): r.rcpt_tos for r in alerts(world)}
    statutory = [v for k, v in kinds.items() if "Statutory" in k]
    threats = [v for k, v in kinds.items() if "Threat" in k]
    assert statutory == [("ig@council.example", "jane.smith@council.example")], kinds
    assert threats == [("ig@council.example", "manager@council.example")], kinds
    # The stage 1 customer's threatening mail stays with the service; nothing of the body leaks.
    assert len(world.folder("waste", "INBOX")) == 1
    assert all(b"will get hurt" not in r.data for r in alerts(world))


def test_forged_sender_failing_dmarc_is_diverted_and_marked(world: World) -> None:
    forged = mail(
        "Derek Harker <d.harker@example.org>",
        "planning",
        "Planning",
        1,
        extra="Authentication-Results: mx.council.example; dmarc=fail header.from=example.org\r\n",
    )
    world.append("planning", forged)
    run_once(world)
    (received,) = forwards(world, 1)
    assert attached_original(received.data) == forged
    assert b"could not be verified" in received.data
    assert world.folder("planning", "Managed contact") == [forged]


def test_relay_down_loses_nothing_and_moves_nothing_early(world: World) -> None:
    for n, mailbox in enumerate(MAILBOXES):
        world.append(mailbox, mail("d.harker@example.org", mailbox, f"Chase {n}", n))
    world.sink.reject_with = "451 4.3.0 relay busy"
    run_once(world)
    assert world.sink.messages == []
    for mailbox in MAILBOXES:
        assert len(world.folder(mailbox, "INBOX")) == 1, "moved before its forward succeeded"
        assert world.folder(mailbox, "Managed contact") == []
    world.sink.reject_with = None
    # The retries are backed off; a pass after the backoff delivers everything.
    later = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    asyncio.run(daemon.run_once(world.settings, world.sessions, clock=lambda: later))
    assert len(forwards(world, 5)) == 5
    for mailbox in MAILBOXES:
        assert world.folder(mailbox, "INBOX") == []
        assert len(world.folder(mailbox, "Managed contact")) == 1
