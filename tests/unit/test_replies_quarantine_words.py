"""A quarantined draft's reason in a SPOC's words: from the reasons parsing really writes."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP, default
from itertools import count

import pytest

from mailrouter.config import LimitSettings
from mailrouter.parsing import parse
from mailrouter.replies.compose import Envelope, bounce_message
from mailrouter.replies.quarantine_words import explain

NOW = datetime(2026, 1, 26, 10, 0, tzinfo=UTC)
LIMITS = LimitSettings(max_message_bytes=20_000, max_mime_depth=3, max_parts=5)
DEEP = LimitSettings(max_mime_depth=3)


def draft(attachments: int = 0, body: str = "Dear Jo,\n\nThe repair is booked.\n") -> bytes:
    message = EmailMessage()
    message["From"] = "jane.smith@council.example"
    message["To"] = "jo@example.org"
    message["Subject"] = "Re: Repairs"
    message.set_content(body)
    for n in range(attachments):
        message.add_attachment(b"%d" % n, maintype="application", subtype="pdf", filename="a.pdf")
    return message.as_bytes(policy=SMTP)


def nested(depth: int) -> bytes:
    inner = EmailMessage()
    inner.set_content("innermost")
    for _ in range(depth):
        outer = EmailMessage()
        outer.set_content("see attached")
        outer.add_attachment(inner)
        inner = outer
    inner["From"] = "jane.smith@council.example"
    inner["Subject"] = "Fwd: chain"
    return inner.as_bytes(policy=SMTP)


def reason_of(raw: bytes, *, slow: bool = False, limits: LimitSettings = LIMITS) -> str:
    if not slow:
        parsed = parse(raw, limits)
    else:
        ticks = count(0, 10)
        parsed = parse(raw, limits, clock=lambda: float(next(ticks)))
    assert parsed.quarantine_reason, "the draft should have been quarantined"
    return parsed.quarantine_reason


@pytest.mark.parametrize(
    ("raw", "why", "advice"),
    [
        (
            draft(body="x" * 30_000),
            "it is too large (31 KB; the largest mailrouter accepts is 20 KB)",
            "Take out large attachments",
        ),
        (draft(attachments=8), "too many attachments and parts (more than 5)", "fewer attach"),
        (b"", "it is empty", "Write the reply"),
        (b"hello there\r\n\r\nno headers at all", "could not be read as an e-mail", "again"),
    ],
    ids=["too-large", "too-many-parts", "empty", "not-mail"],
)
def test_each_reason_parsing_writes_is_explained(raw: bytes, why: str, advice: str) -> None:
    said = explain(reason_of(raw))
    assert why in said.why
    assert advice in said.advice
    # Operators' words (config keys, exception names) are not what a SPOC reads.
    assert "limits." not in said.why and "MIME" not in said.why


def test_a_slow_parse_too_deep_a_routing_error_and_several_reasons() -> None:
    deep = explain(reason_of(nested(6), limits=DEEP))
    assert deep.why == "it has e-mails attached inside e-mails more than 3 levels deep"
    slow = explain(reason_of(draft(attachments=2), slow=True))
    assert "too complicated" in slow.why
    routing = explain("routing failed: ValueError: bad; worse")
    assert routing.why == "mailrouter hit an error while taking it in"
    both = explain(
        "message is 3000000 bytes, over the limit of 2000000 (limits.max_message_bytes); "
        "more than 5 MIME parts (limits.max_parts)"
    )
    assert both.why == (
        "it is too large (3.0 MB; the largest mailrouter accepts is 2.0 MB); and "
        "it has too many attachments and parts (more than 5)"
    )
    assert explain(None).why == explain("something new").why == "mailrouter could not take it in"


def test_the_bounce_says_not_held_why_and_what_to_do() -> None:
    said = explain(reason_of(draft(attachments=8)))
    envelope = Envelope("mc@council.example", "jane.smith@council.example", "<b@x>", NOW)
    raw = bounce_message(envelope, subject="Re: Repairs", reason=said.why, advice=said.advice)
    message = email.message_from_bytes(raw, policy=default)
    body = message.get_body()
    assert body is not None
    text = f"{message}{body.get_content()}"
    assert "was NOT held for sending, because it has too many attachments" in text
    assert "Nothing has been sent to the customer" in text
    assert "Auto-Submitted: auto-replied" in text
