"""Parsing's quick paths store exactly what the general code stores.

Each quick path reads only input that is plainly the common case (printable ASCII
dates and header text, CRLF header blocks of well-formed fields, a single part of
text, SQLite's column formats) and leaves everything else to the general code.
Here each is compared with the general code it bypasses: on generated values, and
on whole messages (two corpora of odd mail, benchmark mail and generated variants)
parsed and converted to rows with every quick path switched off, then on.
"""

from __future__ import annotations

import dataclasses
import importlib
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailrouter import headerblock, headertext, maildates, mimescan, recipients, records
from mailrouter.config import LimitSettings
from mailrouter.headerblock import content_headers, header_end
from mailrouter.headertext import clean, display
from mailrouter.maildates import parse_date, received_date
from mailrouter.mimescan import Limits, scan, scan_fields
from mailrouter.parsing import parse
from mailrouter.records import RECORD_COLUMNS, message_rows
from tests.benchmarks.ingest_bench import message

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TORTURE = Path(PROJECT_ROOT).parent / "shared" / "data" / "mail-torture"
LIMITS = LimitSettings()
DIALECTS = ("sqlite+pysqlite", "postgresql+psycopg")
# A Received: date in the past, and one past the clock-skew allowance of the other.
NOWS = (
    datetime(2026, 2, 3, 9, 30, tzinfo=UTC),
    datetime(2026, 2, 3, 10, 30, tzinfo=timezone(timedelta(hours=2))),
)
PARSE_MS = RECORD_COLUMNS.index("parse_ms")

QUICK_PATHS = (
    (maildates, "_plain", lambda value: None),
    (maildates, "_received_text", lambda value: clean(value, 2000)),
    (headertext, "_plain_display", lambda value, limit: None),
    (headertext, "_plain_clean", lambda value, limit: None),
    (headerblock, "_plain_fields", lambda text: None),
    (mimescan, "_plain_leaf", lambda fields, default="text/plain": False),
    (records, "_sqlite_converters", lambda: None),
    (recipients, "_plain_pair", lambda value, fold_subaddress: None),
)


@contextmanager
def general_only() -> Iterator[None]:
    """Every quick path switched off: the general code alone."""
    with pytest.MonkeyPatch.context() as patch:
        for module, name, off in QUICK_PATHS:
            patch.setattr(module, name, off)
        yield


def _stored(raw: bytes, fold_subaddress: bool) -> tuple[str, list[str]]:
    """The parsed message but its parse time, and its rows for both databases, as text."""
    parsed = parse(raw, LIMITS, fold_subaddress=fold_subaddress)
    fields = {
        f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name != "parse_ms"
    }
    rows = []
    for now in NOWS:
        for dialect in DIALECTS:
            row = message_rows(parsed, now, dialect)
            record = row.record[:PARSE_MS] + row.record[PARSE_MS + 1 :]
            rows.append(repr(row._replace(record=record)))
    return repr(fields), rows


# Pieces of headers for generated variants: ordinary, odd and hostile.
_DATES = (
    "Tue, 3 Feb 2026 09:14:00 +0000",
    "3 Feb 2026 09:14 -0830",
    "Tue,3 Feb 2026 09:14:00 +0100",
    "Tue, 3 Feb 2026 09:14:00 +0000 (UTC)",
    "Tue, 3 Feb 2026 09:14:00 GMT",
    "Tue, 3 Feb 26 09:14:00 +0000",
    "Tue, 3 Feb 2026 09:14:00",
    "Tue, 31 Feb 2026 09:14:00 +0000",
    "Tue, 3 Feb 2026 09:14:60 +0000",
    "Mon, 1 Jan 0001 00:00:00 +0100",
    "Fri, 31 Dec 9999 23:59:59 -0100",
    "tue, 3 FEB 2026 09:14:00 -0000",
    "Tue, 3 Feb 2026 09:14:00 +9959",
    "Tue, 3 Feb 2026 09:14:00 +0000 (a(b)c)",
    "Tue, \u0663 Feb 2026 09:14:00 +0000",
    "\t Tue, 3 Feb 2026 09:14:00 +0000 \t",
    "Tue, 3 Feb 2026\r\n 09:14:00 +0000",
    "Tue, 3 Feb 2026 09:14:00 +0000\x00",
    "Tue, 3 Xyz 2026 09:14:00 +0000",
    "Tue, 3 Feb 2026 9:14:00 +0000",
    "2026-02-03T09:14:00Z",
    "",
    "Tue, 3 Feb 2026 09:14:00 +0000 (\xe9t\xe9)",
    "Tue, 3 Feb 2026 09:14:00\x0b+0000",
    "Tue, 3  Feb  2026  09:14:00  +0000",
    "Tue, 3 Feb 2026 09:14:00 +0000 (" + "x" * 190 + ")",
)
_NAMES = (
    '"Resident 1"',
    "Jo Bloggs",
    '"Bloggs, Jo"',
    '"Esc \\"q\\""',
    "=?utf-8?q?Ren=C3=A9e?=",
    "=?bogus?q?x?=",
    "R\u00e9n\u00e9e",
    "",
    "Jo (comment) Bloggs",
    "  Spaced   Name  ",
    '"\t tab"',
    "Jo\x01Ctl",
    "Name\u202eRTL",
    "a" * 600,
)
_ADDRESSES = (
    "resident@example.org",
    "Res.Ident+tag@Example.ORG",
    "x@b\u00fccher.example",
    "bad",
    "a@b@c",
    "user@[127.0.0.1]",
    '"quoted local"@example.org',
    "trailing@example.org.",
    "@example.org",
    "we!rd#chars@example.org",
    "\u00e9l\u00e8ve@example.org",
)
_SUBJECTS = (
    "Plain subject",
    "=?utf-8?q?Bins_=E2=80=93_again?=",
    "=?iso-8859-1?b?6Q==?= mixed =?utf-8?q?x?=",
    "Tabs\tin\tsubject",
    "Folded\r\n subject\r\n\tline",
    "Ctl\x07bell\x1b[31m",
    "8bit \xe9t\xe9",
    "   padded   ",
    "",
    "x" * 5000,
    "Del\x7fete",
    " " * 40000,
)
_RECEIVED = (
    "from mx.example.org by imap.council.example; Tue, 3 Feb 2026 09:15:02 +0000",
    "from a by b;\r\n\tTue, 3 Feb 2026 09:15:02 +0100 (CET)",
    "from a by b",
    "from a; by b; Tue, 3 Feb 2026 09:15:02 +0000",
    "by b; " + "x" * 3000 + "; Tue, 3 Feb 2026 09:15:02 +0000",
    "x" * 1968 + "; Tue, 3 Feb 2026 09:15:02 +0000",
    "from \xe9 by b; Tue, 3 Feb 2026 09:15:02 +0000",
    "from a by b; garbage",
    "from a by b; Tue, 3 Feb 2026 09:15:02 +0000\x00",
)
_CONTENT_TYPES = (
    "text/plain",
    "text/plain; charset=utf-8",
    'TEXT/HTML; charset="us-ascii"',
    "text/plain; name=x.txt",
    'application/pdf; name="r\xe9sum\xe9.pdf"',
    "text",
    "",
    "message/rfc822",
    "multipart/mixed",
    "image/png;\r\n name*=utf-8''%E2%82%AC.png",
    "text/plain;NAME=a",
)


def _address(rng: random.Random) -> str:
    address, name = rng.choice(_ADDRESSES), rng.choice(_NAMES)
    return rng.choice(
        (
            address,
            f"<{address}>",
            f"{name} <{address}>",
            f"{address} ({name})",
            f"Group: {address}, {name} <{rng.choice(_ADDRESSES)}>;",
            f"{name}\r\n <{address}>",
            f"{address}, {name} <{rng.choice(_ADDRESSES)}>",
            "undisclosed-recipients:;",
        )
    )


def _multipart(rng: random.Random) -> tuple[str, str]:
    boundary = f"b{rng.randrange(100)}"
    parts = []
    for _ in range(rng.randint(0, 3)):
        headers = f"Content-Type: {rng.choice(_CONTENT_TYPES[:6])}\r\n"
        if rng.random() < 0.3:
            headers += 'Content-Disposition: attachment; filename="a.bin"\r\n'
        parts.append(f"--{boundary}\r\n{headers}\r\nbody {rng.random()}\r\n")
    closing = f"--{boundary}--\r\n" if rng.random() < 0.8 else ""
    kind = rng.choice(("mixed", "alternative", "digest"))
    return f'multipart/{kind}; boundary="{boundary}"', "preamble\r\n" + "".join(parts) + closing


def _header_fields(rng: random.Random) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    if rng.random() < 0.05:
        headers.append(("", "From sender@example.org Tue Feb  3 09:14:00 2026"))
    for name, chance in (("Received", 0.9), ("Received", 0.2), ("From", 0.9), ("To", 0.8)):
        if rng.random() < chance:
            headers.append((name, rng.choice(_RECEIVED) if name == "Received" else _address(rng)))
    for name in ("Cc", "Reply-To", "Delivered-To", "X-Original-To"):
        if rng.random() < 0.2:
            headers.append((name, _address(rng)))
    if rng.random() < 0.9:
        headers.append(("Subject", rng.choice(_SUBJECTS)))
    if rng.random() < 0.9:
        headers.append(("Date", rng.choice(_DATES)))
    if rng.random() < 0.8:
        headers.append(
            ("Message-ID", rng.choice(("<m@example.org>", " <m@x>\r\n", "\xe9<x@y>", "")))
        )
    if rng.random() < 0.3:
        headers.append(("References", "<a@x>\r\n <b@x>\r\n\t<c@x>"))
    for name in ("Auto-Submitted", "List-Id", "X-Mailer", "Return-Path"):
        if rng.random() < 0.1:
            headers.append((name, rng.choice(("auto-replied", "<l.example>", "Mutt \xe9", "<>"))))
    return headers


def _variant(rng: random.Random) -> bytes:
    """A message of ordinary, odd and hostile header pieces."""
    headers = _header_fields(rng)
    body = "Hello\r\n"
    if rng.random() < 0.3:
        content_type, body = _multipart(rng)
        headers.append(("Content-Type", content_type))
    elif rng.random() < 0.8:
        headers.append(("Content-Type", rng.choice(_CONTENT_TYPES)))
        if rng.random() < 0.1:
            headers.append(("Content-Disposition", "attachment; filename=z.txt"))
    lines = []
    for name, value in headers:
        separator = rng.choice((": ", ":", " : ", ":\t")) if rng.random() < 0.1 else ": "
        lines.append(value if not name else f"{name}{separator}{value}")
    if rng.random() < 0.05:
        lines.insert(
            rng.randrange(len(lines) + 1), rng.choice((" orphan", "not a field", "A B: c"))
        )
    text = "\r\n".join(lines) + "\r\n\r\n" + body
    if rng.random() < 0.15:
        text = text.replace("\r\n", "\n")
    if rng.random() < 0.3:
        return text.encode("latin-1", "replace")  # 8-bit bytes, not UTF-8
    return text.encode("utf-8", "surrogateescape")


def _messages() -> Iterator[tuple[str, bytes]]:
    if TORTURE.is_dir():
        for path in sorted(p for p in TORTURE.rglob("*") if p.is_file()):
            yield f"torture {path.name}", path.read_bytes()
    module = importlib.import_module("test.test_email")
    assert module.__file__ is not None
    for path in sorted(
        p for p in (Path(module.__file__).parent / "data").rglob("*") if p.is_file()
    ):
        yield f"cpython {path.name}", path.read_bytes()
    rng = random.Random(1)
    for n in range(200):
        yield f"benchmark {n}", message(n, rng)
    rng = random.Random(4)
    for n in range(600):
        yield f"variant {n}", _variant(rng)


def test_whole_messages_store_the_same_with_and_without_quick_paths() -> None:
    messages = dict(_messages())
    assert len(messages) > 800
    cases = [(label, fold) for label in messages for fold in (False, True)]
    with general_only():
        expected = {case: _stored(messages[case[0]], case[1]) for case in cases}
    differences = [case for case in cases if _stored(messages[case[0]], case[1]) != expected[case]]
    assert differences == []


def test_quick_paths_are_taken_for_common_mail() -> None:
    raw = message(1, random.Random(1))
    header_stop, _ = header_end(raw, 0, len(raw))
    block = raw[:header_stop]
    assert headerblock._plain_fields(block.decode("ascii")) is not None
    fields, _ = headerblock.split_fields(block)
    assert mimescan._plain_leaf(fields)
    assert maildates._plain(fields["date"][0]) is not None
    assert headertext._plain_display(fields["subject"][0], 4000) is not None
    assert headertext._plain_clean(fields["message-id"][0], 998) is not None
    assert records._sqlite_converters() is not None
    assert recipients._plain_pair(fields["from"][0], False) is not None
    assert recipients._plain_pair(fields["to"][0], False) is not None


_DATE_WORDS = st.sampled_from(
    [
        *("Tue,", "tue,", "Tue", "3", "03", "31", "123", "Feb", "FEB", "Xyz", "2026", "26", "0001"),
        *("09:14", "09:14:00", "9:14:00", "09:14:60", "25:00", "+0000", "-0000", "+0100", "-0830"),
        *("+9999", "+00", "GMT", "(UTC)", "()", "(a(b)c)", "(\xe9)", "\u0663", "\x00", "\x0b", ""),
        *("24:00", "23:59:59", "00:00:00", "29", "9999", "Dec", "+0160", "+2359", "-2400", "+0099"),
    ]
)
_BLANKS = st.sampled_from([" ", "  ", "\t", "\r\n ", "", "\xa0"])


@st.composite
def _date_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_DATE_WORDS, min_size=0, max_size=8))
    return "".join(w + draw(_BLANKS) for w in words)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_date_texts(), st.text(max_size=60), st.sampled_from(_DATES)))
def test_quick_dates_agree(text: str) -> None:
    quick = maildates._plain(text)
    if quick is not None:
        assert repr(quick) == repr(maildates._general(text))
    assert repr(parse_date(text)) == repr(maildates._general(text))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.sampled_from(_RECEIVED),
        st.builds(
            lambda head, date: f"{head};{date}",
            st.text(max_size=2100),
            st.one_of(_date_texts(), st.sampled_from(_DATES)),
        ),
    )
)
def test_quick_received_dates_agree(value: str) -> None:
    quick = received_date(value)
    with general_only():
        assert repr(quick) == repr(received_date(value))


_HEADER_TEXT = st.lists(
    st.sampled_from(
        [
            *"aZ09 ;:=?<>@\"'()\\",
            *("\t", "\r\n ", "\n", "\x00", "\x1b", "\x7f", "\x85"),
            *("=?utf-8?q?x?=", "=?", "\xe9", "\u202e", "\udce9", "\u2028"),
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_HEADER_TEXT, st.integers(min_value=1, max_value=12))
def test_quick_header_text_agrees(value: str, limit: int) -> None:
    shown, cleaned = headertext._plain_display(value, limit), headertext._plain_clean(value, limit)
    with general_only():
        if shown is not None:
            assert shown == display(value, limit)
        if cleaned is not None:
            assert cleaned == clean(value, limit)


_HEADER_LINES = st.sampled_from(
    [
        "Subject: hello",
        "subject:hello",
        "Subject :\thello ",
        "Received: from a;",
        " continued",
        "\tcontinued: too",
        "",
        "From someone Tue Feb  3 09:14:00 2026",
        "not a field",
        "Bad Name: x",
        ": no name",
        "X-8bit: \udce9t\udce9",
        "X-\udce9: y",
        "X-Ctl\x01: y",
        "To: a@b\r",
        "A:",
        "B:   ",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_HEADER_LINES, max_size=8), st.sampled_from(["\r\n", "\n", "\r", "\r\r\n"]))
def test_quick_field_splitting_agrees(lines: list[str], ending: str) -> None:
    text = "".join(line + ending for line in lines)
    quick = headerblock._plain_fields(text)
    if quick is not None:
        assert quick == headerblock._split_lines(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Content-Type", "Content-Disposition", "Content-Transfer-Encoding"]),
            st.sampled_from([*_CONTENT_TYPES, "inline", "attachment", "base64", "x/y/z", " ; "]),
        ),
        max_size=3,
    )
)
def test_quick_single_part_agrees(headers: list[tuple[str, str]]) -> None:
    raw = (
        "".join(f"{name}: {value}\r\n" for name, value in headers)
        + "\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n"
    ).encode("utf-8", "surrogateescape")
    header_stop, body_start = header_end(raw, 0, len(raw))
    fields, _ = headerblock.split_fields(raw[:header_stop])
    limits = Limits(10, 5, time.monotonic() + 60, 60)
    assert scan_fields(raw, fields, body_start, limits) == scan(
        raw, content_headers(fields), body_start, limits
    )


@settings(max_examples=500, deadline=None)
@given(
    st.tuples(
        st.integers(0, 39),
        st.sampled_from(["Jan", "feb", "MAR", "Dec", "Foo"]),
        st.sampled_from([1, 1970, 2024, 2026, 9999]),
        st.integers(0, 29),
        st.integers(0, 69),
        st.one_of(st.none(), st.integers(0, 69)),
        st.sampled_from("+-"),
        st.integers(0, 29),
        st.integers(0, 99),
    )
)
def test_quick_well_formed_dates_agree(parts: tuple[object, ...]) -> None:
    day, month, year, hour, minute, second, sign, zone_h, zone_m = parts
    seconds = "" if second is None else f":{second:02}"
    text = (
        f"Tue, {day} {month} {year:04} {hour:02}:{minute:02}{seconds} {sign}{zone_h:02}{zone_m:02}"
    )
    quick = maildates._plain(text)
    assert repr(quick if quick is not None else maildates._general(text)) == repr(
        maildates._general(text)
    )


_PART_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(["Content-Type", "Content-Disposition", "Content-Transfer-Encoding"]),
        st.sampled_from([*_CONTENT_TYPES, "attachment; filename=a", "inline", "base64", "x/y/z"]),
    ),
    max_size=2,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["mixed", "digest", "alternative"]), st.lists(_PART_HEADERS, max_size=4))
def test_quick_leaves_in_multiparts_agree(kind: str, parts: list[list[tuple[str, str]]]) -> None:
    body = "".join(
        "--b\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\nx\r\n"
        for headers in parts
    )
    raw = f'Content-Type: multipart/{kind}; boundary="b"\r\n\r\n{body}--b--\r\n'.encode(
        "utf-8", "surrogateescape"
    )
    header_stop, body_start = header_end(raw, 0, len(raw))
    fields, _ = headerblock.split_fields(raw[:header_stop])
    limits = Limits(50, 5, time.monotonic() + 60, 60)
    quick = scan(raw, content_headers(fields), body_start, limits)
    with general_only():
        assert quick == scan(raw, content_headers(fields), body_start, limits)


_ADDRESS_PIECES = st.sampled_from(
    [
        *("a", "Jo", "x.y", "+tag", "@", "@@", ".", "-", "example.org", "EXAMPLE.org.", "b\u00fc"),
        *(" ", "  ", "\t", "<", ">", '"', "\\", ",", ";", ":", "(", ")", "[", "]", "=?", "\r\n "),
    ]
)


# What recipients' _SIMPLE_VALUE and _NAMED_VALUE match, as they once were written.
_SIMPLE_VALUE = re.compile(r"\s*<?([^\s<>,;:\"()\[\]\\]+@[^\s<>,;:\"()\[\]\\]+)>?\s*")
_NAMED_VALUE = re.compile(
    r'\s*(?:"([^"\\]*)"|([^"\\,;:<>@()\[\]]*?))\s*<([^\s<>,;:"()\[\]\\]+@[^\s<>,;:"()\[\]\\]+)>\s*'
)


def _named(pattern: re.Pattern[str], value: str) -> tuple[str, str] | None:
    match = pattern.fullmatch(value)
    if match is None:
        return None
    quoted, plain, address = match.groups()
    return (quoted if quoted is not None else " ".join(plain.split())), address


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.lists(_ADDRESS_PIECES, max_size=12).map("".join),
        st.builds(
            lambda name, address, spaces: f"{spaces}{name}{spaces}<{address}>{spaces}",
            st.sampled_from(["", "Jo", '"Bloggs, Jo"', "  Jo   Bloggs ", '"', '"a\\"', "<", '"<"']),
            st.sampled_from(["a@b.c", "A.B+x@Example.ORG.", "a@b@c", "a b@c", "@b", "a@", ">"]),
            st.sampled_from(["", " ", "\t", "\r\n ", "\x1c", "\xa0"]),
        ),
    )
)
def test_address_values_read_as_the_patterns_read_them(value: str) -> None:
    simple, linear = _SIMPLE_VALUE.fullmatch(value), recipients._SIMPLE_VALUE.fullmatch(value)
    assert (linear.group(1) if linear else None) == (simple.group(1) if simple else None)
    assert _named(recipients._NAMED_VALUE, value) == _named(_NAMED_VALUE, value)
    for fold in (False, True):
        quick = recipients._plain_pair(value, fold)
        if quick is not None:
            pairs = recipients._pairs([value])
            keys = [(name, recipients.normalise(a, fold_subaddress=fold)) for name, a in pairs]
            assert keys == [quick]


def test_address_values_are_read_in_linear_time() -> None:
    started = time.process_time()
    for value in ("a@" * 20000 + " x", "Jo" + " " * 20000 + "<a@b", '"' + "<" * 20000 + ">"):
        recipients._pairs([value])
        recipients._plain_pair(value, False)
    assert time.process_time() - started < 2.0
