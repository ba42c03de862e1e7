"""The real servers every later test relies on: Dovecot (append, IDLE, MOVE) and aiosmtpd."""

from __future__ import annotations

import asyncio
import time

import aiosmtplib
from imapclient import IMAPClient

from mailrouter.testing.servers import SmtpSink
from tests.conftest import ImapAccount

MESSAGE = (
    b"From: Jo <jo@example.org>\r\nTo: staff@council.example\r\nSubject: Bins\r\n\r\nHello\r\n"
)


def _client(account: ImapAccount) -> IMAPClient:
    client = IMAPClient(account.host, port=account.port, ssl=False, timeout=10)
    client.login(account.username, account.password)
    return client


def test_dovecot_append_and_fetch_without_marking_seen(imap_account: ImapAccount) -> None:
    client = _client(imap_account)
    client.append("INBOX", MESSAGE)
    client.select_folder("INBOX")
    (uid,) = client.search()
    data = client.fetch([uid], ["BODY.PEEK[]", "FLAGS"])[uid]
    assert data[b"BODY[]"] == MESSAGE
    assert b"\\Seen" not in client.get_flags([uid])[uid]
    assert b"CONDSTORE" in client.capabilities()
    client.logout()


def test_dovecot_idle_wakes_on_mail_from_a_second_connection(imap_account: ImapAccount) -> None:
    watcher = _client(imap_account)
    watcher.select_folder("INBOX")
    watcher.idle()
    writer = _client(imap_account)
    started = time.monotonic()
    writer.append("INBOX", MESSAGE)
    responses: list[object] = []
    while not responses and time.monotonic() - started < 10:
        responses = watcher.idle_check(timeout=1)
    watcher.idle_done()
    assert any(r[1] == b"EXISTS" for r in responses if isinstance(r, tuple)), responses
    writer.logout()
    watcher.logout()


def test_dovecot_move(imap_account: ImapAccount) -> None:
    client = _client(imap_account)
    client.create_folder("Managed contact")
    client.append("INBOX", MESSAGE)
    client.select_folder("INBOX")
    (uid,) = client.search()
    client.move([uid], "Managed contact")
    assert client.search() == []
    client.select_folder("Managed contact", readonly=True)
    assert len(client.search()) == 1
    client.logout()


def test_aiosmtplib_delivers_to_the_sink(smtp_sink: SmtpSink) -> None:
    async def send() -> None:
        await aiosmtplib.send(
            MESSAGE,
            sender="managed-contact@council.example",
            recipients=["spoc@council.example"],
            hostname="127.0.0.1",
            port=smtp_sink.port,
        )

    asyncio.run(send())
    (received,) = smtp_sink.wait_for(1)
    assert received.rcpt_tos == ("spoc@council.example",)
    assert received.data.replace(b"\r\n", b"\n") == MESSAGE.replace(b"\r\n", b"\n")


def test_sink_can_refuse_then_accept(smtp_sink: SmtpSink) -> None:
    smtp_sink.reject_with = "451 4.3.0 try again later"

    async def send() -> None:
        await aiosmtplib.send(
            MESSAGE,
            sender="a@x.example",
            recipients=["b@x.example"],
            hostname="127.0.0.1",
            port=smtp_sink.port,
        )

    try:
        asyncio.run(send())
        raise AssertionError("the sink should have refused")
    except aiosmtplib.SMTPResponseException as exc:
        assert exc.code == 451
    smtp_sink.reject_with = None
    asyncio.run(send())
    assert len(smtp_sink.wait_for(1)) == 1
