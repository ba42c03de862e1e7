"""The console's pure parts: the health verdict, the metrics text, CSRF, escaped pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from mailrouter.web import health, metrics, pages, security
from mailrouter.web.queries import Counts, DivertedItem, FolderHealth, HeldItem

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def _folder(mailbox: str, folder: str, status: str) -> FolderHealth:
    return FolderHealth(mailbox, folder, status, 3 if status == "failing" else 0, NOW, None)


def test_health_verdict() -> None:
    ok = health.Health(True, (_folder("a", "INBOX", "ok"), _folder("b", "INBOX", "new")), 5)
    assert ok.healthy  # parked rows are reported, not fatal
    assert ok.as_json()["outbox_parked"] == 5
    failing = health.Health(True, (_folder("a", "INBOX", "ok"), _folder("a", "X", "failing")), 0)
    assert not failing.healthy
    assert failing.as_json()["mailboxes"]["a"]["healthy"] is False
    assert health.unhealthy_mailboxes(failing.folders) == 1
    assert not health.Health(False, (), 0).healthy


def test_metrics_text() -> None:
    counts = Counts(10, 9, 4, 1, {"pending": 2, "parked": 1}, 3, 2, 7)
    text = metrics.exposition(counts, unhealthy_mailboxes=1).decode()
    for line in (
        "mailrouter_messages_ingested_total 10.0",
        "mailrouter_messages_diverted_total 4.0",
        'mailrouter_outbox_rows{state="pending"} 2.0',
        'mailrouter_outbox_rows{state="leased"} 0.0',
        "mailrouter_outbox_parked 1.0",
        "mailrouter_mailboxes_unhealthy 1.0",
        "mailrouter_held_replies_due 3.0",
        "# TYPE mailrouter_messages_routed_total counter",
    ):
        assert line in text.splitlines(), line


def test_csrf_is_tied_to_the_read_token() -> None:
    token = security.csrf_token(b"k" * 32, "tok-1")
    assert security.csrf_ok(b"k" * 32, "tok-1", token)
    assert not security.csrf_ok(b"k" * 32, "tok-2", token)
    assert not security.csrf_ok(b"j" * 32, "tok-1", token)


def test_pages_escape_mail_values() -> None:
    hostile = "<script>x()</script>\u202e<b>"
    item = DivertedItem(1, 2, "MC-1", "<i>box</i>", hostile, NOW, None, None)
    page = pages.read_page(item, token="a.b", csrf="c", reader="<u>", tz=LONDON)
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page and "<u>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;\u202e&lt;b&gt;" in page
    assert 'action="/read/a.b"' in page and "2026-11-30 09:00" in page
    held = pages.held(
        [HeldItem(1, "MC-1", "jsmith", hostile, NOW, date(2026, 12, 1), None)], LONDON
    )
    assert "<script>" not in held and "&lt;script&gt;" in held
    assert "<script" not in pages.message("t", hostile)
