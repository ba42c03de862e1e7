"""A parsed message as ``messages`` and ``message_addresses`` column values.

Shared by ingestion (new rows) and quarantine retry (rows parsed again), so
both store exactly the same thing for the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from mailrouter.config import LimitSettings
from mailrouter.parsing import ParsedMessage, parse
from mailrouter.store.bulk import RowConverter, dialect_for
from mailrouter.store.models import MessageRecord

# A Received: date further ahead than this is a wrong clock: the arrival time is used.
CLOCK_SKEW = timedelta(hours=1)

# The keys of ``record_values``, in the order ingestion's bulk insert writes them.
RECORD_COLUMNS = (
    "raw_sha256",
    "body_sha256",
    "message_id",
    "sender",
    "sender_name",
    "subject",
    "date_header",
    "received_at",
    "in_reply_to",
    "references",
    "authentication_results",
    "size",
    "attachments",
    "headers",
    "parse_ms",
    "status",
    "quarantine_reason",
)


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


_RECORD = RowConverter(MessageRecord, RECORD_COLUMNS)


class MessageRows(NamedTuple):
    """One parsed message as ingestion stores it: what dedupe reads, and the rows.

    Plain tuples of strings and numbers, so a batch of them crosses back from a
    parsing process cheaply (a ``ParsedMessage`` pickles several times slower).
    """

    raw_sha256: str
    body_sha256: str
    message_id: str | None
    quarantined: bool
    # ``RECORD_COLUMNS`` in order, already converted for the database's driver.
    record: tuple[Any, ...]
    # (role, address, display name) per address.
    addresses: tuple[tuple[str, str, str | None], ...]


def message_rows(parsed: ParsedMessage, now: datetime, dialect: str) -> MessageRows:
    values = record_values(parsed, now)
    record = _RECORD.convert(dialect_for(dialect), tuple(values[c] for c in RECORD_COLUMNS))
    return MessageRows(
        raw_sha256=parsed.raw_sha256,
        body_sha256=parsed.body_sha256,
        message_id=parsed.message_id,
        quarantined=parsed.quarantine_reason is not None,
        record=record,
        addresses=tuple((a.role, a.address, a.display_name) for a in parsed.addresses),
    )


def parse_rows(
    raws: Sequence[bytes], limits: LimitSettings, fold_subaddress: bool, dialect: str, now: datetime
) -> list[MessageRows]:
    """Parse a batch into rows: one call, so a batch crosses to a parsing process at once."""
    return [
        message_rows(parse(raw, limits, fold_subaddress=fold_subaddress), now, dialect)
        for raw in raws
    ]
