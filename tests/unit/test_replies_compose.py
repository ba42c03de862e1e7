"""The message a release sends: the draft's body, mailrouter's envelope, the customer's thread."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest

from mailrouter.replies.compose import Draft, Envelope, reply_message

ENVELOPE = Envelope(
    "mc@council.example",
    "jo@example.org",
    "<abc@council.example>",
    datetime(2026, 2, 6, tzinfo=UTC),
)


def draft(n: int, *, attach: bool = False) -> Draft:
    message = EmailMessage()
    message["From"] = "jane.smith@council.example"
    message["Bcc"] = "records@council.example"
    message["Subject"] = f"Re: Repairs {n}\u202e"
    message.set_content(f"Answer number {n}.")
    if attach:
        message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    return Draft(
        message.as_bytes(), f"Re: Repairs {n}\u202e", f"<orig{n}@example.org>", "<root@example.org>"
    )


def parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def test_a_single_reply_keeps_its_body_and_gets_a_new_envelope() -> None:
    message = parsed(reply_message([draft(1)], ENVELOPE))
    assert message["From"] == "mc@council.example"
    assert message["Bcc"] is None
    assert message["Message-ID"] == "<abc@council.example>"
    assert message["Subject"] == "Re: Repairs 1"  # the bidi override is gone
    assert message["References"] == "<root@example.org> <orig1@example.org>"
    body = message.get_body()
    assert body is not None and "Answer number 1." in str(body.get_content())


def test_the_same_release_composes_to_the_same_bytes() -> None:
    assert reply_message([draft(1)], ENVELOPE) == reply_message([draft(1)], ENVELOPE)


def test_a_batch_joins_the_texts_and_keeps_attachments() -> None:
    message = parsed(reply_message([draft(1), draft(2, attach=True)], ENVELOPE))
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = str(body.get_content())
    assert text.index("1. Re: Repairs 1") < text.index("Answer number 1.") < text.index("2. Re")
    assert [a.get_filename() for a in message.iter_attachments()] == ["a.pdf"]
    assert message["In-Reply-To"] == "<orig2@example.org>"
    refs = "<root@example.org> <orig1@example.org> <orig2@example.org>"
    assert message["References"] == refs


def test_nothing_to_send_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        reply_message([], ENVELOPE)
