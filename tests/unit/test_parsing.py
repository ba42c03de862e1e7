"""Parsing: the record's fields, the limits, hostile input, and two corpora of odd mail."""

from __future__ import annotations

import importlib
import itertools
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailrouter.addresses import try_normalize
from mailrouter.config import LimitSettings
from mailrouter.headerblock import header_end, split_fields
from mailrouter.maildates import parse_date
from mailrouter.parsing import ParsedMessage, parse
from mailrouter.recipients import _pairs, normalise

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TORTURE = Path(PROJECT_ROOT).parent / "shared" / "data" / "mail-torture"
LIMITS = LimitSettings()

PLAIN = (
    b"Received: from mx.council.example by imap.council.example; Tue, 3 Feb 2026 09:15:02 +0000\r\n"
    b"Authentication-Results: mx.council.example; dmarc=pass header.from=example.org\r\n"
    b"Authentication-Results: forged.example; dmarc=fail\r\n"
    b"Delivered-To: intake+bins@council.example\r\n"
    b"X-Original-To: intake@council.example\r\n"
    b'From: "Bloggs, Jo" <Jo.Bloggs@Example.ORG>\r\n'
    b"To: Intake <intake@council.example>, housing@council.example\r\n"
    b"Cc: =?utf-8?q?Ren=C3=A9e?= <renee@council.example>\r\n"
    b"Subject: =?utf-8?q?Bins_not_collected_=E2=80=93_again?=\r\n"
    b"Date: Tue, 3 Feb 2026 09:14:00 +0100\r\n"
    b"Message-ID: <abc@example.org>\r\n"
    b"In-Reply-To: <prev@council.example>\r\n"
    b"References: <first@council.example>\r\n <prev@council.example>\r\n"
    b"Auto-Submitted: no\r\n"
    b"\r\n"
    b"Hello\r\n"
)


def _multipart(depth: int, parts: int = 1) -> bytes:
    """Multiparts nested ``depth`` deep with ``parts`` text leaves innermost (depth + 1 levels)."""
    body = b"".join(
        b"--leaf\r\nContent-Type: text/plain\r\n\r\nleaf %d\r\n" % i for i in range(parts)
    )
    inner = b'Content-Type: multipart/mixed; boundary="leaf"\r\n\r\n' + body + b"--leaf--\r\n"
    for level in range(depth - 1):
        boundary = b"b%d" % level
        inner = (
            b'Content-Type: multipart/mixed; boundary="'
            + boundary
            + b'"\r\n\r\n--'
            + boundary
            + b"\r\n"
            + inner
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    return b"From: a@example.org\r\nSubject: nest\r\nMIME-Version: 1.0\r\n" + inner


def test_plain_message_fields() -> None:
    parsed = parse(PLAIN, LIMITS, fold_subaddress=True)
    assert parsed.quarantine_reason is None
    assert parsed.sender == "jo.bloggs@example.org"
    assert parsed.sender_name == "Bloggs, Jo"
    assert parsed.subject == "Bins not collected \u2013 again"
    assert parsed.message_id == "<abc@example.org>"
    assert parsed.in_reply_to == "<prev@council.example>"
    assert parsed.references == "<first@council.example> <prev@council.example>"
    assert parsed.date == datetime(2026, 2, 3, 8, 14, tzinfo=UTC)
    assert parsed.received_at == datetime(2026, 2, 3, 9, 15, 2, tzinfo=UTC)
    # Only the topmost one: our own server added it; lower ones may be forged.
    assert parsed.authentication_results == "mx.council.example; dmarc=pass header.from=example.org"
    roles = {(a.role, a.address) for a in parsed.addresses}
    assert roles == {
        ("from", "jo.bloggs@example.org"),
        ("to", "intake@council.example"),
        ("to", "housing@council.example"),
        ("cc", "renee@council.example"),
        ("envelope-to", "intake@council.example"),
    }
    assert set(parsed.recipients) == {
        "intake@council.example",
        "housing@council.example",
        "renee@council.example",
    }
    assert dict(parsed.headers) == {"auto-submitted": "no"}
    assert parsed.size == len(PLAIN)
    assert (parsed.parts, parsed.depth, parsed.attachments) == (1, 1, ())


def test_hashes_separate_headers_from_body() -> None:
    first = parse(PLAIN, LIMITS)
    resent = parse(b"X-Resent: yes\r\n" + PLAIN, LIMITS)
    assert first.raw_sha256 != resent.raw_sha256
    assert first.body_sha256 == resent.body_sha256


def test_attachment_summary() -> None:
    raw = (
        b'From: a@example.org\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b'--XX\r\nContent-Type: application/pdf; name="x.pdf"\r\n'
        b"Content-Disposition: attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n"
        b"--XX\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: b@example.org\r\nSubject: inner\r\n\r\ninner body\r\n"
        b"--XX--\r\n"
    )
    parsed = parse(raw, LIMITS)
    assert parsed.quarantine_reason is None
    assert (parsed.parts, parsed.depth) == (5, 3)
    pdf, forwarded = parsed.attachments
    assert (pdf.filename, pdf.content_type, pdf.size, pdf.disposition) == (
        "R\u00e9sum\u00e9.pdf",
        "application/pdf",
        4,
        "attachment",
    )
    assert forwarded.content_type == "message/rfc822"


@pytest.mark.parametrize(
    ("raw", "limits", "reason"),
    [
        (PLAIN, LimitSettings(max_message_bytes=100), "over the limit of 100"),
        (_multipart(depth=6), LimitSettings(max_mime_depth=6), "nesting deeper than 6"),
        (_multipart(depth=6), LimitSettings(max_mime_depth=7), None),
        (_multipart(depth=1, parts=30), LimitSettings(max_parts=30), "more than 30 MIME parts"),
        (_multipart(depth=1, parts=29), LimitSettings(max_parts=30), None),
        (b"", LIMITS, "empty message"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", LIMITS, "not an e-mail message"),
    ],
)
def test_limits(raw: bytes, limits: LimitSettings, reason: str | None) -> None:
    parsed = parse(raw, limits)
    if reason is None:
        assert parsed.quarantine_reason is None
    else:
        assert parsed.quarantine_reason is not None
        assert reason in parsed.quarantine_reason


def test_parse_time_limit_is_enforced_by_the_scan() -> None:
    ticks = itertools.count()

    def clock() -> float:
        return float(next(ticks))  # every look at the clock takes a "second"

    parsed = parse(_multipart(depth=4), LimitSettings(parse_timeout_seconds=2.0), clock=clock)
    assert parsed.quarantine_reason is not None
    assert "longer than 2 s" in parsed.quarantine_reason


def test_hostile_headers_are_cleaned() -> None:
    raw = (
        b"From: \x1b[31mEvil\x1b[0m <evil@example.org>\r\n"
        b"Subject: caf\xc3\xa9 \x00nul =?bogus-charset?q?x?= \xff\r\n"
        b"Message-ID: <" + b"m" * 2000 + b">\r\n\r\nbody"
    )
    parsed = parse(raw, LIMITS)
    assert parsed.quarantine_reason is None
    assert parsed.sender == "evil@example.org"
    assert "\x00" not in parsed.subject and "\x1b" not in (parsed.sender_name or "")
    assert parsed.subject.startswith("caf\u00e9 nul x")
    assert parsed.message_id is not None and len(parsed.message_id) == 998
    parsed.subject.encode("utf-8")  # valid Unicode, storable anywhere


def test_header_block_edges() -> None:
    assert header_end(b"\r\nbody", 0, 6) == (0, 2)
    assert header_end(b"A: b\nC: d\n\nbody", 0, 15) == (10, 11)
    assert header_end(b"A: b\r\n\r\nbody", 0, 12) == (6, 8)
    assert header_end(b"A: b", 0, 4) == (4, 4)
    fields, defects = split_fields(b" lead\r\nA: 1\r\n  more\r\nnot a field\r\nB:2\r\nA: 3\r\n")
    assert fields == {"a": ["1\r\n  more", "3"], "b": ["2"]}
    assert len(defects) == 2


def _check(parsed: ParsedMessage, timeout: float) -> None:
    assert parsed.quarantine_reason is None or parsed.quarantine_reason.strip()
    assert parsed.parse_ms < timeout * 1000


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_torture_corpus_is_ingested_or_quarantined() -> None:
    if not TORTURE.is_dir():
        pytest.skip(f"torture corpus not found at {TORTURE}")
    files = _files(TORTURE)
    assert len(files) > 100
    results = {p.name: parse(p.read_bytes(), LIMITS) for p in files}
    for parsed in results.values():
        _check(parsed, LIMITS.parse_timeout_seconds)
    endless = results["enclosed-endless.eml"]
    assert endless.quarantine_reason is not None and "MIME parts" in endless.quarantine_reason
    assert results["torture.eml"].quarantine_reason is None
    assert results["enclosed.eml"].sender == "bob@example.net"
    assert results["LICENSE"].quarantine_reason is not None


def test_cpython_email_corpus_is_ingested_or_quarantined() -> None:
    # The corpus ships with CPython's test suite (Debian: libpython3.11-testsuite).
    module = importlib.import_module("test.test_email")
    assert module.__file__ is not None
    data = Path(module.__file__).parent / "data"
    files = _files(data)
    assert len(files) > 40
    parsed = {p.name: parse(p.read_bytes(), LIMITS) for p in files}
    for result in parsed.values():
        _check(result, LIMITS.parse_timeout_seconds)
    messages = [name for name in parsed if name.startswith("msg_")]
    quarantined = [n for n in messages if parsed[n].quarantine_reason]
    assert quarantined == ["msg_19.txt"], "only the one without any header is not mail"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_result(raw: bytes) -> None:
    _check(parse(raw, LIMITS), LIMITS.parse_timeout_seconds)


_MIME_PIECES = st.sampled_from(
    [
        b"--b\r\n",
        b"--b--\r\n",
        b"--c\r\n",
        b'Content-Type: multipart/mixed; boundary="b"\r\n',
        b'Content-Type: multipart/alternative; boundary="c"\r\n',
        b"Content-Type: message/rfc822\r\n",
        b"Content-Disposition: attachment; filename=x\r\n",
        b"\r\n",
        b"text\r\n",
        b" folded\r\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MIME_PIECES, max_size=60))
def test_any_mime_shape_gives_a_result(pieces: list[bytes]) -> None:
    raw = b"From: a@example.org\r\n" + b"".join(pieces)
    parsed = parse(raw, LimitSettings(max_parts=20, max_mime_depth=4))
    _check(parsed, LIMITS.parse_timeout_seconds)
    assert parsed.parts <= 20 and parsed.depth <= 4


_LOCAL = st.from_regex(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,20}", fullmatch=True)
_DOMAIN = st.from_regex(r"[A-Za-z0-9-]{1,10}(\.[A-Za-z0-9-]{1,10}){0,3}\.?", fullmatch=True)


@given(_LOCAL, _DOMAIN, st.booleans())
def test_fast_address_normalisation_agrees(local: str, domain: str, fold: bool) -> None:
    address = f"{local}@{domain}"
    assert normalise(address, fold_subaddress=fold) == try_normalize(address, fold_subaddress=fold)


@given(st.from_regex(r'("[^"\\\r\n]{0,15}"|[A-Za-z .\'-]{0,15})', fullmatch=True), _LOCAL, _DOMAIN)
def test_fast_address_lists_agree(name: str, local: str, domain: str) -> None:
    for value in (f"{name} <{local}@{domain}>", f"{local}@{domain}", f"<{local}@{domain}>"):
        assert _pairs([value]) == getaddresses([value])


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_fast_date_parsing_agrees(moment: datetime) -> None:
    text = moment.strftime("%a, %d %b %Y %H:%M:%S +0130")
    assert parse_date(text) == parsedate_to_datetime(text).astimezone(UTC)


def test_a_huge_blank_subject_is_an_empty_subject_not_a_quarantine() -> None:
    # Folded blank lines, over eight times the subject's limit: nothing, not an error.
    raw = b"From: a@example.org\r\nSubject:" + b"\r\n " * 20_000 + b"\r\n\r\nbody\r\n"
    parsed = parse(raw, LIMITS)
    assert parsed.quarantine_reason is None
    assert parsed.subject == ""
