"""Digest collection, rendering and days: pure functions over rows, no database."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from mailrouter.config import (
    DigestSettings,
    GeneralSettings,
    Secret,
    Settings,
    SpocSettings,
    WebSettings,
)
from mailrouter.digest import collect, days, schedule
from mailrouter.digest.compose import digest_key, digest_message
from mailrouter.digest.links import cli_only, linker
from mailrouter.digest.model import DivertedRow, HeldRow, SpocDigest
from mailrouter.digest.render import render_spoc
from mailrouter.register.queries import CaseSummary

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DAY = date(2026, 11, 30)
SPOCS = (
    SpocSettings(id="jsmith", name="Jane Smith", email="jane@council.example", deputy="akhan"),
    SpocSettings(id="akhan", name="Asha Khan", email="asha@council.example"),
    SpocSettings(
        id="away", name="Al Away", email="al@council.example", deputy="akhan", absent=True
    ),
)


def row(
    pk: int,
    case_id: int,
    *,
    hours_ago: float,
    read: bool = False,
    spoc: str = "jsmith",
    hits: tuple[tuple[str, str], ...] = (),
    subject: str = "Hello",
    name: str = "",
) -> DivertedRow:
    at = NOW - timedelta(hours=hours_ago)
    return DivertedRow(
        message_pk=pk,
        case_id=case_id,
        case_reference=f"MC-2026-{case_id:04d}",
        customer_name=name or f"Customer {case_id}",
        spoc_id=spoc,
        recorded_at=at,
        received_at=at,
        mailbox="housing",
        subject=subject,
        sender="c@example.net",
        read_at=at + timedelta(hours=1) if read else None,
        hits=hits,
    )


def build(
    rows: list[DivertedRow], held: list[HeldRow] | None = None, spoc: str = "jsmith"
) -> SpocDigest:
    return collect.spoc_digest(
        spoc=next(s for s in SPOCS if s.id == spoc),
        spocs=SPOCS,
        day=DAY,
        now=NOW,
        tz=LONDON,
        unread_alert_hours=48,
        diverted=rows,
        held=held or [],
        link=cli_only,
    )


def test_unread_first_per_customer_and_customers_with_unread_first() -> None:
    digest = build(
        [
            row(1, 10, hours_ago=2, read=True),
            row(2, 10, hours_ago=5),
            row(3, 20, hours_ago=1, read=True),
            row(4, 30, hours_ago=70),
            row(5, 10, hours_ago=3),
            row(6, 99, hours_ago=90, spoc="akhan"),
        ]
    )
    assert [g.case_reference for g in digest.groups] == [
        "MC-2026-0030",  # oldest unread first
        "MC-2026-0010",
        "MC-2026-0020",  # read only
    ]
    first = digest.groups[1]
    assert [(i.message_pk, i.unread) for i in first.items] == [(2, True), (5, True), (1, False)]
    assert (digest.unread, digest.overdue) == (3, 1)
    assert digest.groups[0].items[0].overdue_hours == 70
    assert 6 not in {i.message_pk for i in digest.items}


def test_deadlines_and_safety_hits_are_read_from_the_routing_hits() -> None:
    hits = (
        ("statutory-request", "SAR, due 2026-12-30"),
        ("statutory-request", "FOI, due 2026-11-27"),
        ("safety-concern", "threat of violence (0.91)"),
        ("register-match", "stage 2 customer"),
    )
    [item] = build([row(1, 10, hours_ago=1, hits=hits)]).items
    assert [(d.label, d.due, d.days_left, d.overdue) for d in item.statutory] == [
        ("FOI", date(2026, 11, 27), -3, True),
        ("SAR", date(2026, 12, 30), 30, False),
    ]
    assert item.safety == ("threat of violence (0.91)",)


def test_an_absent_spoc_digest_goes_to_the_deputy() -> None:
    digest = build([row(1, 10, hours_ago=1, spoc="away")], spoc="away")
    assert (digest.to_address, digest.deputy_name, digest.spoc_name) == (
        "asha@council.example",
        "Asha Khan",
        "Al Away",
    )
    assert collect.recipient_for(SPOCS[0], SPOCS) == (SPOCS[0], None)
    # A deputy that is not configured: the SPOC's own address, never nobody.
    lone = replace(SPOCS[2], deputy="ghost")
    assert collect.recipient_for(lone, SPOCS) == (lone, None)


def test_held_replies_make_a_group_without_mail() -> None:
    held = HeldRow(
        1, 40, "MC-2026-0040", "Quiet Person", "jsmith", "Re: bins", date(2026, 12, 9), None
    )
    digest = build([], [held])
    [group] = digest.groups
    assert (group.customer_name, group.items, group.held[0].release_on) == (
        "Quiet Person",
        (),
        date(2026, 12, 9),
    )
    assert not digest.empty and build([]).empty


def test_hostile_text_is_one_bounded_line_without_bidi_controls() -> None:
    subject = "\u202eevil\r\nBcc: x@y\x00 " + "A" * 2000
    [item] = build([row(1, 10, hours_ago=1, subject=subject, name="<b>\u202dBob</b>")]).items
    assert "\u202e" not in item.subject and "\r" not in item.subject and "\x00" not in item.subject
    assert len(item.subject) <= collect.SUBJECT_CHARS
    assert build([row(1, 10, hours_ago=1, name="<b>\u202dBob</b>")]).groups[0].customer_name == (
        "<b>Bob</b>"
    )


def test_html_escapes_and_text_part_keeps_values_literal() -> None:
    digest = build([row(1, 10, hours_ago=1, subject="<script>alert(1)</script> & co")])
    rendered = render_spoc(digest, "Council <Borough>")
    assert "<script>alert(1)" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in rendered.html
    assert "Council &lt;Borough&gt;" in rendered.html
    assert "<script>alert(1)</script> & co" in rendered.text
    assert "mailrouter diverted ack 1" in rendered.text
    assert "<script" not in rendered.html.replace("&lt;script", "")


def test_message_is_multipart_alternative_with_a_stable_message_id() -> None:
    digest = build([row(1, 10, hours_ago=1)])
    rendered = render_spoc(digest, "Example Council")
    key = digest_key("spoc", "jsmith", "2026-11-30")
    kwargs = {
        "key": key,
        "from_address": "mc@council.example",
        "council_name": "Example Council",
        "to_name": "Jane Smith",
        "to_address": "jane@council.example",
        "date": NOW,
    }
    raw, message_id = digest_message(rendered, **kwargs)  # type: ignore[arg-type]
    _, same = digest_message(rendered, **kwargs)  # type: ignore[arg-type]
    assert message_id == same and message_id.endswith("@council.example>")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Message-ID"] == message_id and msg["Auto-Submitted"] == "auto-generated"
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_links_are_signed_for_the_reader_or_fall_back_to_the_cli() -> None:
    calls: list[tuple[bytes, int, str, datetime]] = []

    def signer(secret: bytes, pk: int, reader: str, expires: datetime) -> str:
        calls.append((secret, pk, reader, expires))
        return "tok/en"

    settings = replace(Settings(), digest=DigestSettings(console_url="https://mc.council.example/"))
    settings = replace(
        settings, web=WebSettings(secret_key=Secret("s3cret-s3cret-s3cret-s3cret-s3cret"))
    )
    link = linker(settings, NOW, signer)(7, "akhan")
    assert link.url == "https://mc.council.example/read/tok%2Fen"
    assert link.command == "mailrouter diverted ack 7"
    assert calls == [(b"s3cret-s3cret-s3cret-s3cret-s3cret", 7, "akhan", NOW + timedelta(days=7))]
    off = replace(settings, web=replace(settings.web, enabled=False))
    assert linker(off, NOW, signer)(7, "akhan").url is None


def case(ref: str, *, due: date | None, deadline: date | None, expires: date | None) -> CaseSummary:
    return CaseSummary(
        case_id=1,
        reference=ref,
        customer_id=1,
        customer_name="C",
        status="stage2",
        spoc_id="jsmith",
        decision_on=date(2026, 1, 1),
        notified_on=None,
        expires_on=expires,
        review_due=due,
        review_deadline=deadline,
        diverting=True,
        lapsed=expires is not None and expires < DAY,
    )


def test_ig_reviews_lapsing_flags_and_unread_spocs() -> None:
    cases = [
        case("A", due=date(2026, 11, 1), deadline=date(2026, 11, 20), expires=date(2027, 5, 1)),
        case("B", due=date(2026, 12, 10), deadline=date(2027, 3, 1), expires=date(2026, 12, 20)),
        case("C", due=date(2027, 2, 1), deadline=date(2027, 3, 1), expires=date(2027, 6, 1)),
    ]
    reviews = collect.reviews(cases, DAY)
    assert [(r.case_reference, r.overdue, r.past_deadline) for r in reviews] == [
        ("A", True, True),
        ("B", False, False),
    ]
    assert [x.case_reference for x in collect.lapsing(cases, DAY)] == ["B"]
    since = NOW - timedelta(days=3)
    flags = collect.flags(
        [
            (1, "volume", "s1", "old, not urgent", False, NOW - timedelta(days=9)),
            (2, "alias", "s2", "new", False, NOW - timedelta(hours=3)),
            (3, "dormant", "s3", "old but urgent", True, NOW - timedelta(days=9)),
        ],
        since=since,
        tz=LONDON,
    )
    assert [(f.flag_id, f.urgent, f.new) for f in flags] == [(3, True, False), (2, False, True)]
    late = collect.unread_spocs(
        [
            ("jsmith", NOW - timedelta(hours=50)),
            ("jsmith", NOW - timedelta(hours=2)),
            ("akhan", NOW - timedelta(hours=90)),
        ],
        SPOCS,
        now=NOW,
        limit_hours=48,
    )
    assert [(u.spoc_id, u.unread, u.oldest_hours) for u in late] == [
        ("akhan", 1, 90),
        ("jsmith", 1, 50),
    ]


def test_digest_days_follow_the_nations_bank_holidays() -> None:
    england = Settings()
    scotland = replace(england, general=GeneralSettings(nation="scotland"))
    every_day = replace(england, digest=DigestSettings(working_days_only=False))
    assert days.is_digest_day(date(2026, 11, 30), england)
    assert not days.is_digest_day(date(2026, 11, 28), england)  # Saturday
    assert not days.is_digest_day(date(2026, 12, 28), england)  # Boxing Day substitute
    assert days.is_digest_day(date(2026, 11, 28), every_day)
    # 30 November 2026 is St Andrew's Day (a Monday): a holiday in Scotland only.
    assert not days.is_digest_day(date(2026, 11, 30), scotland)
    # The Monday digest shows mail since Friday's digest time.
    assert days.since(date(2026, 11, 30), england) == datetime(2026, 11, 27, 8, 0, tzinfo=LONDON)


def test_a_run_sends_only_todays_digests_and_only_after_the_time() -> None:
    settings = Settings()
    assert schedule.due_day(datetime(2026, 11, 30, 7, 59, tzinfo=UTC), settings) is None
    assert schedule.due_day(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), settings) == DAY
    assert schedule.due_day(datetime(2026, 11, 30, 23, 0, tzinfo=UTC), settings) == DAY
    assert schedule.due_day(datetime(2026, 11, 29, 12, 0, tzinfo=UTC), settings) is None  # Sunday
    # Summer time: 08:00 London is 07:00 UTC.
    assert schedule.due_day(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), settings) == date(2026, 6, 1)
