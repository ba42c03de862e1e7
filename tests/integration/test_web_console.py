"""The console over real HTTP on a free loopback port, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import itertools
import json
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Secret, Settings, WebSettings
from mailrouter.domain import CaseStatus
from mailrouter.register import audit
from mailrouter.register.people import Identities, NewCase, NewCustomer
from mailrouter.register.service import Register
from mailrouter.store import db
from mailrouter.store.models import (
    CaseContact,
    FlagRow,
    HeldReply,
    MailboxState,
    MessageRecord,
    OutboxRow,
    OutboxState,
    RawMessage,
)
from mailrouter.store.models.register import AuditRow, Case
from mailrouter.web.ack import ACTION
from mailrouter.web.server import bind, serve
from mailrouter.web.signing import sign_read_token

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SECRET = "console-test-secret-0123456789abcdef"
HOSTILE = "<script>alert('x')</script>\u202eevil " + "W" * 500
_numbers = itertools.count(1)


def _settings() -> Settings:
    return Settings(web=WebSettings(secret_key=Secret(SECRET)))


class Running:
    """The console served by ``serve`` in a thread of its own, on a free loopback port."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings, self.sessions = settings, sessions
        self.sock = bind("127.0.0.1", 0)
        self.port: int = self.sock.getsockname()[1]
        self._ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        await serve(self.settings, self.sessions, self._stop, lambda: NOW, sock=self.sock)

    def __enter__(self) -> Running:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)
        assert not self._thread.is_alive()

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            data = urlencode(body) if body is not None else None
            sent = dict(headers or {})
            if data is not None:
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8")
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()


def _seed(sessions: sessionmaker[Session]) -> dict[str, int]:
    register = Register(sessions, Settings())
    person = NewCustomer("Derek Harker", Identities(emails=("derek@example.org",)))
    new = NewCase(CaseStatus.stage2, date(2026, 9, 1), extreme_reason="threats", spoc_id="jsmith")
    ref = register.add(person, new, actor="ig", now=NOW)
    ids: dict[str, int] = {}
    with db.transaction(sessions) as s:
        case_id = s.scalars(select(Case.id).where(Case.reference == ref.reference)).one()
        for name, subject, kind, read in (
            ("hostile", HOSTILE, "diverted", False),
            ("plain", "Council tax", "diverted", False),
            ("copied", "Repairs", "copied", False),
            ("done", "Old", "diverted", True),
        ):
            n = next(_numbers)
            raw = f"Subject: {n}\r\n\r\nsecret body text {n}\r\n".encode()
            sha = hashlib.sha256(raw).hexdigest()
            s.add(RawMessage(sha256=sha, size=len(raw), data=raw))
            s.flush()
            record = MessageRecord(
                source="housing/INBOX",
                source_key=f"1:{n}",
                raw_sha256=sha,
                subject=subject,
                received_at=NOW - timedelta(days=n),
                mailbox="housing",
                routed_at=NOW,
            )
            s.add(record)
            s.flush()
            s.add(
                CaseContact(
                    case_id=case_id,
                    message_pk=record.id,
                    kind=kind,
                    recorded_at=NOW,
                    read_at=NOW if read else None,
                    read_by="jsmith" if read else None,
                )
            )
            ids[name] = record.id
        n = next(_numbers)
        raw = b"Subject: q\r\n\r\nx\r\n"
        s.add(RawMessage(sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), data=raw))
        s.flush()
        s.add(
            MessageRecord(
                source="housing/INBOX",
                source_key=f"1:{n}",
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                subject="broken",
                status="quarantined",
                mailbox="housing",
            )
        )
        s.add_all(
            [
                MailboxState(mailbox="housing", folder="INBOX", status="ok", last_success_at=NOW),
                MailboxState(mailbox="planning", folder="INBOX", status="ok"),
                MailboxState(mailbox="planning", folder="Archive", status="ok"),
                OutboxRow(idempotency_key="a", kind="forward", payload={}),
                OutboxRow(idempotency_key="b", kind="forward", payload={}),
                OutboxRow(
                    idempotency_key="c", kind="forward", payload={}, state=OutboxState.parked
                ),
                OutboxRow(idempotency_key="d", kind="move", payload={}, state=OutboxState.done),
            ]
        )
        for release_on in (date(2026, 11, 30), date(2026, 12, 14)):
            s.add(
                HeldReply(
                    case_id=case_id,
                    spoc_id="jsmith",
                    captured_by="jane.smith@council.example",
                    to_address="derek@example.org",
                    raw=b"draft",
                    raw_sha256="0" * 64,
                    subject=HOSTILE if release_on.day == 14 else "Your letter",
                    release_on=release_on,
                )
            )
        s.add(
            FlagRow(
                subject="sender:<b>shouty</b>@example.org",
                kind="volume",
                period_start=date(2026, 11, 1),
                period_end=date(2026, 11, 28),
                value=40,
                threshold=20,
                explanation="40 messages in 4 weeks",
                urgent=True,
            )
        )
    return ids


@pytest.fixture
def console(sessions: sessionmaker[Session]) -> Iterator[tuple[Running, dict[str, int]]]:
    ids = _seed(sessions)
    with Running(_settings(), sessions) as running:
        yield running, ids


def _token(message_pk: int, reader: str = "jsmith", days: int = 7) -> str:
    return sign_read_token(SECRET.encode(), message_pk, reader, NOW + timedelta(days=days))


def _assert_secure(headers: dict[str, str]) -> None:
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_health_reports_mailboxes_and_parked(
    console: tuple[Running, dict[str, int]], sessions: sessionmaker[Session]
) -> None:
    running, _ = console
    status, headers, body = running.request("GET", "/health")
    assert status == 200
    _assert_secure(headers)
    data = json.loads(body)
    assert data["status"] == "ok" and data["database"] == "ok"
    assert data["outbox_parked"] == 1
    assert set(data["mailboxes"]) == {"housing", "planning"}
    assert set(data["mailboxes"]["planning"]["folders"]) == {"INBOX", "Archive"}
    with db.transaction(sessions) as s:
        s.execute(
            update(MailboxState)
            .where(MailboxState.folder == "Archive")
            .values(status="failing", consecutive_failures=4, failing_since=NOW)
        )
    status, _, body = running.request("GET", "/health")
    assert status == 503
    data = json.loads(body)
    assert data["status"] == "unhealthy"
    assert data["mailboxes"]["planning"]["healthy"] is False
    assert data["mailboxes"]["housing"]["healthy"] is True
    assert data["mailboxes"]["planning"]["folders"]["Archive"]["consecutive_failures"] == 4


def test_metrics_are_computed_at_scrape_time(console: tuple[Running, dict[str, int]]) -> None:
    running, _ = console
    status, headers, body = running.request("GET", "/metrics")
    assert status == 200
    assert headers["content-type"].startswith("text/plain; version=0.0.4")
    values = dict(re.findall(r"^(mailrouter_[a-z_]+(?:\{[^}]*\})?) ([0-9.e+]+)$", body, re.M))
    assert {k: float(v) for k, v in values.items()} == {
        "mailrouter_messages_ingested_total": 5.0,
        "mailrouter_messages_routed_total": 4.0,
        "mailrouter_messages_diverted_total": 3.0,
        "mailrouter_messages_quarantined_total": 1.0,
        'mailrouter_outbox_rows{state="pending"}': 2.0,
        'mailrouter_outbox_rows{state="leased"}': 0.0,
        'mailrouter_outbox_rows{state="done"}': 1.0,
        'mailrouter_outbox_rows{state="parked"}': 1.0,
        "mailrouter_outbox_parked": 1.0,
        "mailrouter_mailboxes_unhealthy": 0.0,
        "mailrouter_held_replies_due": 1.0,
        "mailrouter_diverted_unread": 3.0,
        "mailrouter_flags_open": 1.0,
    }


def _audit_rows(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).where(AuditRow.action == ACTION)) or 0)


def _read_state(sessions: sessionmaker[Session], message_pk: int) -> tuple[object, object]:
    with sessions() as s:
        contact = s.scalars(select(CaseContact).where(CaseContact.message_pk == message_pk)).one()
        return contact.read_at, contact.read_by


def test_read_link_get_confirms_and_post_marks_once(
    console: tuple[Running, dict[str, int]],
    sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    running, ids = console
    token = _token(ids["hostile"])
    status, headers, page = running.request("GET", f"/read/{token}")
    assert status == 200
    _assert_secure(headers)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\u202eevil" in page
    assert "secret body text" not in page
    assert _read_state(sessions, ids["hostile"]) == (None, None)  # GET changes nothing
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    assert f'action="/read/{token}"' in page

    assert running.request("POST", f"/read/{token}", {})[0] == 403
    assert running.request("POST", f"/read/{token}", {"csrf": "0" * 64})[0] == 403
    other = _token(ids["plain"])
    assert running.request("POST", f"/read/{other}", {"csrf": csrf})[0] == 403
    evil = {"Origin": "http://evil.example"}
    assert running.request("POST", f"/read/{token}", {"csrf": csrf}, evil)[0] == 403
    assert _read_state(sessions, ids["hostile"]) == (None, None)

    own = {"Origin": f"http://127.0.0.1:{running.port}"}
    status, headers, _ = running.request("POST", f"/read/{token}", {"csrf": csrf}, own)
    assert status == 303 and headers["location"] == f"/read/{token}"
    read_at, read_by = _read_state(sessions, ids["hostile"])
    assert read_at == NOW and read_by == "jsmith"
    assert _audit_rows(sessions) == 1
    # Again (a double click, a resubmission): nothing changes, nothing more is audited.
    assert running.request("POST", f"/read/{token}", {"csrf": csrf})[0] == 303
    assert _audit_rows(sessions) == 1
    with sessions() as s:
        assert audit.verify(s).ok
    status, _, page = running.request("GET", f"/read/{token}")
    assert status == 200 and "Already marked read by" in page and "<form" not in page
    assert "route=/read/{token} status=303" in caplog.text
    assert token not in caplog.text and csrf not in caplog.text and "alert" not in caplog.text


def test_copied_mail_is_acknowledged_like_diverted(
    console: tuple[Running, dict[str, int]], sessions: sessionmaker[Session]
) -> None:
    running, ids = console
    token = _token(ids["copied"], reader="akhan")
    page = running.request("GET", f"/read/{token}")[2]
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    assert running.request("POST", f"/read/{token}", {"csrf": csrf})[0] == 303
    assert _read_state(sessions, ids["copied"])[1] == "akhan"


def test_bad_expired_and_unknown_links(console: tuple[Running, dict[str, int]]) -> None:
    running, ids = console
    assert running.request("GET", "/read/not-a-token")[0] == 400
    forged = sign_read_token(b"another secret", ids["plain"], "jsmith", NOW + timedelta(days=1))
    assert running.request("GET", f"/read/{forged}")[0] == 400
    assert running.request("POST", f"/read/{forged}", {"csrf": "x"})[0] == 400
    expired = sign_read_token(SECRET.encode(), ids["plain"], "jsmith", NOW)
    status, headers, page = running.request("GET", f"/read/{expired}")
    assert status == 410 and "expired" in page
    _assert_secure(headers)
    assert running.request("GET", f"/read/{_token(999_999)}")[0] == 404


def test_ig_pages(console: tuple[Running, dict[str, int]]) -> None:
    running, _ = console
    status, headers, index = running.request("GET", "/")
    assert status == 200
    _assert_secure(headers)
    assert "3 unread" in index and "1 open" in index and "1 due" in index
    flags = running.request("GET", "/ig/flags")[2]
    assert "sender:&lt;b&gt;shouty&lt;/b&gt;@example.org" in flags
    assert '<tr class="urgent">' in flags
    unread = running.request("GET", "/ig/unread")[2]
    assert re.search(r"<td><bdi>jsmith</bdi></td><td><bdi>3</bdi></td>", unread)
    held = running.request("GET", "/ig/held")[2]
    assert "Your letter" in held and "2026-12-14" in held
    assert "<script" not in held and "&lt;script&gt;" in held
    for page in (index, flags, unread, held):
        assert "<script" not in page and " style=" not in page and "secret body text" not in page
    status, headers, css = running.request("GET", "/static/console.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert "overflow-wrap: anywhere" in css
    assert running.request("GET", "/nope")[0] == 404


def test_health_is_503_when_the_database_is_unreachable() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    try:
        with Running(_settings(), db.session_factory(engine)) as running:
            status, _, body = running.request("GET", "/health")
    finally:
        engine.dispose()
    assert status == 503
    assert json.loads(body)["database"] == "unreachable"
