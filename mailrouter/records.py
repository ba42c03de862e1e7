"""A parsed message as ``messages`` and ``message_addresses`` column values.

Shared by ingestion (new rows) and quarantine retry (rows parsed again), so
both store exactly the same thing for the same bytes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mailrouter.parsing import ParsedMessage

# A Received: date further ahead than this is a wrong clock: the arrival time is used.
CLOCK_SKEW = timedelta(hours=1)


def record_values(parsed: ParsedMessage, now: datetime) -> dict[str, object]:
    """The ``messages`` columns read from the message.

    ``headers`` also carries the MIME shape under keys no header can have
    (``:parts``, ``:depth``, ``:defects``), for the quarantine display.
    """
    received = parsed.received_at
    headers = dict(parsed.headers)
    headers.update({":parts": str(parsed.parts), ":depth": str(parsed.depth)})
    if parsed.defects:
        headers[":defects"] = ", ".join(parsed.defects)[:1000]
    return {
        "raw_sha256": parsed.raw_sha256,
        "body_sha256": parsed.body_sha256,
        "message_id": parsed.message_id,
        "sender": parsed.sender,
        "sender_name": parsed.sender_name,
        "subject": parsed.subject,
        "date_header": parsed.date,
        "received_at": received if received and received <= now + CLOCK_SKEW else now,
        "in_reply_to": parsed.in_reply_to,
        "references": parsed.references,
        "authentication_results": parsed.authentication_results,
        "size": parsed.size,
        "attachments": [a.as_json() for a in parsed.attachments],
        "headers": headers,
        "parse_ms": round(parsed.parse_ms, 3),
        "status": "quarantined" if parsed.quarantine_reason else "parsed",
        "quarantine_reason": parsed.quarantine_reason,
    }


def address_rows(message_pk: int, parsed: ParsedMessage) -> list[dict[str, object]]:
    return [
        {
            "message_pk": message_pk,
            "role": a.role,
            "address": a.address,
            "display_name": a.display_name,
        }
        for a in parsed.addresses
    ]
