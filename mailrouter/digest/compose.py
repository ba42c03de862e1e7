"""A rendered digest as an e-mail: multipart/alternative, text first, HTML preferred.

The Message-ID is derived from the outbox key, so every attempt to send the
same digest carries the same one and a recipient's client shows one message.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from mailrouter.actions.compose import clean_line, message_id_for
from mailrouter.digest.render import Rendered


def digest_key(kind: str, recipient_id: str, day: str) -> str:
    """The outbox idempotency key of one recipient's digest for one local day."""
    return f"digest:{kind}:{recipient_id}:{day}"


def digest_message(
    rendered: Rendered,
    *,
    key: str,
    from_address: str,
    council_name: str,
    to_name: str,
    to_address: str,
    date: datetime,
) -> tuple[bytes, str]:
    """The message bytes and its Message-ID."""
    message_id = message_id_for(key, from_address)
    msg = EmailMessage(policy=SMTP)
    msg["From"] = Address(
        display_name=clean_line(f"{council_name} managed contact", 120), addr_spec=from_address
    )
    msg["To"] = Address(display_name=clean_line(to_name, 120), addr_spec=to_address)
    msg["Subject"] = clean_line(rendered.subject, 200)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    # Stops out-of-office replies and forwarding rules answering a machine.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Mailrouter-Digest"] = clean_line(key, 200)
    msg.set_content(rendered.text, cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    return msg.as_bytes(), message_id
