"""The message a released reply goes out as (pure: no clock, no database).

A single reply keeps the SPOC's draft body and MIME structure; only the
envelope headers are replaced: From is the configured sender (the customer
writes to the managed contact address, not to the SPOC's own), To is the
customer, Message-ID derives from the outbox key, and In-Reply-To/References
thread it under the customer's message. Headers the draft carried about the
SPOC's own mail client (Cc, Bcc, Reply-To, X-*) are dropped: a held reply goes
to the customer alone.

A batch (a case that wants one message per release) joins the drafts' plain
text in the order they were written, each under its own subject, and attaches
whatever files the drafts attached.
"""

from __future__ import annotations

import email
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from mailrouter.actions.compose import clean_line

# Everything else in a draft's header is the SPOC's mail client talking.
_KEPT = ("subject", "mime-version", "content-type", "content-transfer-encoding")


@dataclass(frozen=True, slots=True)
class Draft:
    raw: bytes
    subject: str
    in_reply_to: str | None
    references: str | None


@dataclass(frozen=True, slots=True)
class Envelope:
    from_address: str
    to: str
    message_id: str
    date: datetime


def reply_message(drafts: Sequence[Draft], envelope: Envelope) -> bytes:
    """The complete message for one release of ``drafts`` (one, or a case's batch)."""
    if not drafts:
        raise ValueError("a release needs at least one reply")
    message = _single(drafts[0]) if len(drafts) == 1 else _batch(drafts)
    message["From"] = envelope.from_address
    message["To"] = envelope.to
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    latest = next((d.in_reply_to for d in reversed(drafts) if d.in_reply_to), None)
    if latest:
        message["In-Reply-To"] = latest
        message["References"] = _references(drafts)
    if "Subject" not in message:
        message["Subject"] = clean_line(drafts[-1].subject) or "Your correspondence"
    return message.as_bytes(policy=SMTP)


def bounce_message(
    envelope: Envelope, *, subject: str, reason: str, advice: str | None = None
) -> bytes:
    """Tells a SPOC their reply was not held, and how to send it so that it is.

    ``advice`` replaces the default (which is about naming the case) when the
    draft failed for another reason, e.g. it was quarantined as unreadable.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = envelope.from_address
    message["To"] = envelope.to
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    message["Subject"] = clean_line(f"Not held: {subject}") or "Not held"
    # Stops out-of-office replies answering the bounce and starting a loop.
    message["Auto-Submitted"] = "auto-replied"
    if advice is not None:
        message.set_content(
            f'Your reply with the subject "{clean_line(subject)}" was NOT held for sending, '
            f"because {clean_line(reason, 300)}.\n\n"
            "Nothing has been sent to the customer, and nothing is waiting to be sent. "
            f"{clean_line(advice, 500)}\n"
        )
        return message.as_bytes(policy=SMTP)
    message.set_content(
        f'Your reply with the subject "{clean_line(subject)}" was not held for sending: '
        f"{clean_line(reason, 300)}.\n\n"
        "Nothing has been sent to the customer. Reply to the cover note mailrouter sent "
        "you, or put the case reference in the subject, for example "
        '"[Managed contact MC-2026-0001]", and send it again.\n'
    )
    return message.as_bytes(policy=SMTP)


def _single(draft: Draft) -> EmailMessage:
    message = email.message_from_bytes(draft.raw, _class=EmailMessage, policy=SMTP)
    for name in {key.lower() for key in message}:
        if name not in _KEPT:
            del message[name]
    # The subject stored at capture (one clean line, any capture tag removed) is what goes out.
    del message["Subject"]
    message["Subject"] = clean_line(draft.subject) or "Your correspondence"
    return message


def _batch(drafts: Sequence[Draft]) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    sections: list[str] = []
    attachments: list[EmailMessage] = []
    for number, draft in enumerate(drafts, start=1):
        part = email.message_from_bytes(draft.raw, _class=EmailMessage, policy=SMTP)
        body = part.get_body(preferencelist=("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        heading = f"{number}. {clean_line(draft.subject) or 'Reply'}"
        sections.append(f"{heading}\n{'-' * len(heading)}\n\n{str(text).strip()}\n")
        attachments.extend(a for a in part.iter_attachments() if isinstance(a, EmailMessage))
    message["Subject"] = clean_line(f"Replies to your correspondence ({len(drafts)})")
    message.set_content("\n\n".join(sections))
    for attachment in attachments:
        data = attachment.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        maintype, _, subtype = attachment.get_content_type().partition("/")
        message.add_attachment(
            data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.get_filename() or "attachment",
        )
    return message


def _references(drafts: Sequence[Draft]) -> str:
    seen: list[str] = []
    for draft in drafts:
        for ref in [*(draft.references or "").split(), draft.in_reply_to or ""]:
            if ref and ref not in seen:
                seen.append(ref)
    # Long chains are trimmed from the oldest end, as RFC 5322 3.6.4 allows.
    return " ".join(seen[-20:])
