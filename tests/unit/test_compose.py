"""What the SPOC and IG receive: the original byte for byte, safe headers, stable Message-IDs."""

from __future__ import annotations

import base64
import email
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

import pytest

from mailrouter.actions.compose import (
    COPY_ONLY,
    UNVERIFIED,
    alert_message,
    clean_line,
    forward_message,
    message_id_for,
)
from mailrouter.domain import ForwardToOfficer, RaiseAlert

SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 13:00 BST
WINTER = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # 09:30 GMT
ASCII = (
    b"From: Jo Bloggs <jo@example.org>\r\nTo: housing@council.example\r\n"
    b"Subject: Repairs\r\nMessage-ID: <abc@example.org>\r\n\r\n"
    b"Hello,\r\n.a line starting with a dot\r\n--not-a-boundary\r\n\r\nJo\r\n"
)
EIGHT_BIT = (
    b"From: =?utf-8?q?Zo=C3=AB?= <zoe@example.org>\r\nSubject: caf\xc3\xa9\r\n"
    b"Content-Type: text/plain; charset=latin-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Caf\xe9 cr\xe8me, \xa31 charged twice\r\n"
)
LONG_LINE = b"From: jo@example.org\r\nSubject: long\r\n\r\n" + b"x" * 2500 + b"\r\nend\r\n"


def forward(**overrides: object) -> ForwardToOfficer:
    values: dict[str, object] = {
        "message_key": "intake:1700000000:42",
        "message_pk": 7,
        "case_id": 3,
        "to": "sam.spoc@council.example",
        "officer_name": "Sam Spoc",
        "reasons": ("register-match: stage 2 case MC-2026-003",),
        "authenticated": True,
    }
    values.update(overrides)
    return ForwardToOfficer(**values)  # type: ignore[arg-type]


def compose(action: ForwardToOfficer | None = None, raw: bytes = ASCII, **kw: object) -> bytes:
    values: dict[str, object] = {
        "from_address": "managed-contact@council.example",
        "council_name": "Example Borough Council",
        "customer_name": "Jo Bloggs",
        "case_reference": "MC-2026-003",
        "mailbox": "housing",
        "received_at": SUMMER,
        "subject": "Repairs",
        "date": SUMMER,
    }
    values.update(kw)
    return forward_message(action or forward(), raw, **values)  # type: ignore[arg-type]


def parts(data: bytes) -> list[tuple[bytes, bytes]]:
    """(headers, body) of each top-level part, split on the wire bytes, not re-generated."""
    head, _, body = data.partition(b"\r\n\r\n")
    found = re.search(rb'boundary="([^"]+)"', head)
    assert found, head
    segments = (b"\r\n" + body).split(b"\r\n--" + found[1])
    assert segments[-1] == b"--\r\n", "closing delimiter, nothing after it"
    out = []
    for segment in segments[1:-1]:
        headers, _, content = segment.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        out.append((headers, content))
    return out


def attached_original(data: bytes) -> bytes:
    """The original as a mail client would save it from the forward."""
    headers, content = parts(data)[1]
    if b"Content-Transfer-Encoding: base64" in headers:
        return base64.b64decode(content)
    assert b"Content-Type: message/rfc822" in headers
    return content


def parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def cover_text(data: bytes) -> str:
    body = parsed(data).get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [(ASCII, b"7bit"), (EIGHT_BIT, b"8bit"), (ASCII.removesuffix(b"\r\n"), b"7bit")],
    ids=["ascii", "8bit", "no-final-crlf"],
)
def test_original_is_attached_byte_for_byte(raw: bytes, encoding: bytes) -> None:
    data = compose(raw=raw)
    headers, _ = parts(data)[1]
    assert b"Content-Transfer-Encoding: " + encoding in headers
    assert attached_original(data) == raw
    assert parsed(data).get_content_type() == "multipart/mixed"


def test_lf_only_original_gets_crlf_and_nothing_else() -> None:
    assert attached_original(compose(raw=ASCII.replace(b"\r\n", b"\n"))) == ASCII


@pytest.mark.parametrize(
    "raw",
    [LONG_LINE, b"Subject: nul\r\n\r\na\x00b\r\n", b"Subject: cr\r\n\r\nbare\rcr\r\n"],
    ids=["long-line", "nul", "bare-cr"],
)
def test_what_smtp_cannot_carry_goes_base64_and_decodes_to_the_same_bytes(raw: bytes) -> None:
    data = compose(raw=raw)
    assert attached_original(data) == raw
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")


def test_every_line_is_crlf_terminated_and_short_enough_for_smtp() -> None:
    for raw in (ASCII, EIGHT_BIT):
        data = compose(raw=raw, subject="Ré: " + "word " * 80)
        assert data.endswith(b"\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"")
        assert max(len(line) for line in data.split(b"\r\n")) <= 998


@pytest.mark.parametrize(
    "hostile",
    [
        "Repairs\r\nBcc: attacker@example.org",
        "Repairs\nX-Mailrouter-Case: FAKE",
        "Repairs \u202eexe.txt\u202c \u2066isolate\u2069 \u200fmark",
        "Repairs\x00\x1b[31m red\x7f",
    ],
)
def test_hostile_subjects_cannot_add_headers_or_reorder_text(hostile: str) -> None:
    message = parsed(compose(subject=hostile))
    subject = str(message["Subject"]).strip()
    assert subject.startswith("[Managed contact MC-2026-003] Repairs")
    assert not re.search("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f]", subject)
    assert message["Bcc"] is None
    assert message.get_all("X-Mailrouter-Case") == ["MC-2026-003"]


def test_long_subject_is_capped() -> None:
    subject = str(parsed(compose(subject="Complaint " * 100))["Subject"]).strip()
    assert len(subject) <= len("[Managed contact MC-2026-003] ") + 200
    assert subject.endswith("\u2026")


def test_message_id_is_derived_from_the_idempotency_key() -> None:
    first = parsed(compose(date=SUMMER))["Message-ID"]
    again = parsed(compose(date=WINTER, raw=EIGHT_BIT))["Message-ID"]
    other_case = parsed(compose(forward(case_id=4)))["Message-ID"]
    assert first == again != other_case
    assert re.fullmatch(r"<[0-9a-f]{32}@council\.example>", str(first))
    assert message_id_for("k", "no-domain").endswith("@mailrouter.invalid>")


def test_headers_keep_replies_away_from_the_customer() -> None:
    message = parsed(compose())
    assert message["X-Mailrouter-Message-Key"] == "intake:1700000000:42"
    assert message["X-Mailrouter-Case"] == "MC-2026-003"
    for name in ("In-Reply-To", "References", "Reply-To"):
        assert message[name] is None
    assert message["To"].addresses[0].addr_spec == "sam.spoc@council.example"
    assert message["Auto-Submitted"] == "auto-generated"


def test_cover_note_says_who_which_case_where_when_and_why() -> None:
    text = cover_text(compose(received_at=SUMMER))
    assert "Jo Bloggs" in text and "MC-2026-003" in text
    assert "Sent to mailbox: housing" in text
    assert "Received: Wednesday 1 July 2026 at 13:00 BST" in text
    assert "  - register-match: stage 2 case MC-2026-003" in text
    assert UNVERIFIED not in text and COPY_ONLY not in text
    assert "Received: Monday 2 November 2026 at 09:30 GMT" in cover_text(
        compose(received_at=WINTER)
    )


def test_unverified_sender_and_copy_only_are_stated() -> None:
    warned = cover_text(compose(forward(authenticated=False)))
    assert warned.startswith(f"WARNING: {UNVERIFIED}")
    copied = cover_text(compose(forward(copy_only=True)))
    assert COPY_ONLY in copied


def alert(kind: str, summary: str = "safety-concern: threat of violence (91%)") -> RaiseAlert:
    return RaiseAlert(
        message_key="intake:1700000000:42",
        message_pk=7,
        kind=kind,
        to=("ig@council.example", "manager@council.example"),
        summary=summary,
        case_id=3,
    )


@pytest.mark.parametrize(
    ("kind", "summary", "headline"),
    [
        ("threat", "x", "Threat of violence: refer to the police under the zero-tolerance policy"),
        ("welfare", "x", "Welfare concern: consider an Adult Social Care referral"),
        (
            "statutory",
            "statutory-request: FOI request, due 2026-11-30; "
            "statutory-request: SAR, due 2026-12-02",
            "Statutory request from a managed contact customer: deadline Monday 30 November 2026",
        ),
        ("recommenced", "x", "Dormant customer has recommenced contact: urgent IG consideration"),
    ],
)
def test_alerts_say_what_to_do_in_words(kind: str, summary: str, headline: str) -> None:
    data = alert_message(
        alert(kind, summary),
        from_address="managed-contact@council.example",
        council_name="Example Borough Council",
        case_reference="MC-2026-003",
        subject="Re: bins\r\nBcc: x@example.org",
        received_at=WINTER,
    )
    message = parsed(data)
    text = str(message.get_content())
    assert text.startswith(headline)
    assert "Subject: Re: bins Bcc: x@example.org" in text
    assert message["Bcc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == [
        "ig@council.example",
        "manager@council.example",
    ]
    # A subject that fits on the next line is folded whole; unfolding leaves a space.
    assert str(message["Subject"]).strip().startswith("URGENT (MC-2026-003): ")
    assert message["Message-ID"] == message_id_for(
        alert(kind).idempotency_key, "managed-contact@council.example"
    )


def test_alert_carries_no_message_body() -> None:
    data = alert_message(alert("threat"), from_address="a@council.example", council_name="C")
    assert not parsed(data).is_multipart()
    assert b"message/rfc822" not in data


def test_clean_line() -> None:
    assert clean_line("  a\r\n\tb \u202ec\u2069 ") == "a b c"
    assert clean_line("x" * 10, limit=5) == "xxxx\u2026"
    assert clean_line("caf\udce9") == "caf"
