"""Outbound SMTP: a ``Transport`` protocol and its aiosmtplib implementation.

``SmtpTransport`` keeps a few connections open and reuses them: a new
connection per message halves throughput (see BASELINES.md), and up to
``connections`` sends run in parallel. A pooled connection the relay has
dropped is replaced on the spot, once, before the failure counts.

Failures are classified for the outbox: replies and faults that concern the
relay or our account with it (4xx, connection trouble, timeouts, refused login
or sender) are transient, so fixing the relay resumes delivery without anyone
requeueing rows; a 5xx about this message (its content after DATA, or every
one of its recipients) is permanent.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Sequence
from types import TracebackType
from typing import Protocol

import aiosmtplib

from mailrouter.config import SmtpSettings
from mailrouter.errors import PermanentError, TransientError

log = logging.getLogger(__name__)

# Everything aiosmtplib and the socket layer raise while talking to a relay.
SMTP_ERRORS = (aiosmtplib.SMTPException, OSError, TimeoutError)


class _Dropped(Exception):
    """The connection went away mid-transaction (it may have been idle too long)."""


class Transport(Protocol):
    async def send(self, data: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        """Hand ``data`` (a complete message, CRLF line endings) to the relay.

        Returns once the relay has accepted it for at least one recipient.
        Raises ``TransientError`` when a later attempt may succeed (4xx replies,
        connection failures, timeouts) and ``PermanentError`` when it will not
        (5xx for the message or for every recipient).
        """
        ...


class SmtpTransport:
    """Sends through one configured relay over a small pool of reused connections."""

    def __init__(self, settings: SmtpSettings, *, connections: int = 4) -> None:
        self.settings = settings
        self._limit = max(1, connections)
        self._idle: list[aiosmtplib.SMTP] = []
        self._login_failed = False

    async def send(self, data: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        if not recipients:
            raise PermanentError("the message has no recipients")
        pooled = self._checkout()
        if pooled is not None:
            try:
                await self._transact(pooled, data, sender, recipients)
                return
            except _Dropped:
                # Relays close connections that sit idle; that says nothing about
                # this message, so it goes again on a fresh connection.
                log.info("smtp.reconnecting host=%s", self.settings.host)
        client = await self._connect()
        try:
            await self._transact(client, data, sender, recipients)
        except _Dropped as exc:
            raise TransientError(f"the relay closed the connection: {exc}") from exc

    async def aclose(self) -> None:
        """Say QUIT on every idle connection."""
        idle, self._idle = self._idle, []
        for client in idle:
            try:
                await client.quit()
            except SMTP_ERRORS:
                client.close()

    async def __aenter__(self) -> SmtpTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _checkout(self) -> aiosmtplib.SMTP | None:
        while self._idle:
            client = self._idle.pop()
            if client.is_connected:
                return client
        return None

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self.settings
        password = settings.password.reveal() if settings.password else None
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username or None,
            password=password if settings.username else None,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            tls_context=ssl.create_default_context() if settings.security != "none" else None,
            timeout=settings.timeout_seconds,
        )
        try:
            await client.connect()
            if client.last_ehlo_response is None:
                await client.ehlo()
        except aiosmtplib.SMTPAuthenticationError as exc:
            client.close()
            if not self._login_failed:
                # Logged once per outage: every queued message would repeat it.
                log.error("smtp.login_failed host=%s user=%s", settings.host, settings.username)
                self._login_failed = True
            raise TransientError(f"SMTP login refused: {exc.code} {exc.message}") from exc
        except SMTP_ERRORS as exc:
            client.close()
            raise _classified(exc) from exc
        self._login_failed = False
        return client

    async def _transact(
        self, client: aiosmtplib.SMTP, data: bytes, sender: str, recipients: Sequence[str]
    ) -> None:
        """One mail transaction; the connection returns to the pool unless it broke."""
        options: list[str] = []
        if not data.isascii():
            if not client.supports_extension("8bitmime"):
                self._release(client)
                raise PermanentError("the relay does not accept 8-bit mail (no 8BITMIME)")
            options.append("BODY=8BITMIME")
        try:
            refused, _reply = await client.sendmail(
                sender, list(recipients), data, mail_options=options
            )
        except aiosmtplib.SMTPServerDisconnected as exc:
            client.close()
            raise _Dropped(str(exc)) from exc
        except SMTP_ERRORS as exc:
            self._release(client)
            raise _classified(exc) from exc
        self._release(client)
        for address, response in refused.items():
            log.warning("smtp.recipient_refused to=%s code=%s", address, response.code)

    def _release(self, client: aiosmtplib.SMTP) -> None:
        if client.is_connected and len(self._idle) < self._limit:
            self._idle.append(client)
        else:
            client.close()


def _classified(exc: BaseException) -> TransientError | PermanentError:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = sorted({r.code for r in exc.recipients})
        detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentError(f"relay refused every recipient: {detail}")
        return TransientError(f"relay refused the recipients for now: {detail}")
    if isinstance(exc, aiosmtplib.SMTPDataError) and 500 <= exc.code < 600:
        return PermanentError(f"relay refused the message: {exc.code} {exc.message}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return TransientError(f"relay replied {exc.code} {exc.message}")
    return TransientError(f"cannot reach the relay: {type(exc).__name__}: {exc}")
