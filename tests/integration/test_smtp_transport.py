"""SmtpTransport against a real aiosmtpd relay: reuse, reconnection, error classes, 8-bit."""

from __future__ import annotations

import asyncio

import pytest

from mailrouter.config import SmtpSettings
from mailrouter.errors import PermanentError, TransientError
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.testing.servers import SmtpSink, free_port

MESSAGE = b"From: a@council.example\r\nSubject: t\r\n\r\nCaf\xc3\xa9 \xa3 8-bit\r\n.dot\r\n"


async def send(transport: SmtpTransport, data: bytes = MESSAGE) -> None:
    await transport.send(data, sender="a@council.example", recipients=["b@council.example"])


def test_sends_8bit_unaltered_over_one_reused_connection(smtp_sink: SmtpSink) -> None:
    async def scenario() -> int:
        async with SmtpTransport(SmtpSettings(port=smtp_sink.port)) as transport:
            for _ in range(3):
                await send(transport)
            return len(transport._idle)

    assert asyncio.run(scenario()) == 1, "one connection, reused"
    assert [m.data for m in smtp_sink.wait_for(3)] == [MESSAGE] * 3


def test_reconnects_after_the_relay_restarts(smtp_sink: SmtpSink) -> None:
    async def scenario() -> None:
        async with SmtpTransport(SmtpSettings(port=smtp_sink.port)) as transport:
            await send(transport)
            # The pooled connection died with the relay: replaced without an error.
            await asyncio.to_thread(smtp_sink.stop)
            await asyncio.to_thread(smtp_sink.start)
            await send(transport)
            await asyncio.to_thread(smtp_sink.stop)
            with pytest.raises(TransientError):
                await send(transport)
            await asyncio.to_thread(smtp_sink.start)
            await send(transport)

    asyncio.run(scenario())
    assert len(smtp_sink.wait_for(3)) == 3


@pytest.mark.parametrize(
    ("reply", "error"),
    [("451 4.3.0 try later", TransientError), ("554 5.6.0 refused", PermanentError)],
)
def test_replies_are_classified(smtp_sink: SmtpSink, reply: str, error: type[Exception]) -> None:
    smtp_sink.reject_with = reply

    async def scenario() -> None:
        async with SmtpTransport(SmtpSettings(port=smtp_sink.port)) as transport:
            with pytest.raises(error, match=reply.split(maxsplit=1)[0]):
                await send(transport)
            smtp_sink.reject_with = None
            await send(transport)  # the connection survives a refusal

    asyncio.run(scenario())


def test_nobody_listening_is_transient_and_no_recipients_permanent() -> None:
    async def scenario() -> None:
        async with SmtpTransport(SmtpSettings(port=free_port(), timeout_seconds=2)) as transport:
            with pytest.raises(TransientError, match="cannot reach the relay"):
                await send(transport)
            with pytest.raises(PermanentError, match="no recipients"):
                await transport.send(MESSAGE, sender="a@council.example", recipients=[])

    asyncio.run(scenario())
