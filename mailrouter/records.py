"""A parsed message as ``messages`` and ``message_addresses`` column values.

Shared by ingestion (new rows) and quarantine retry (rows parsed again), so
both store exactly the same thing for the same bytes.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import JSON, Float

from mailrouter.config import LimitSettings
from mailrouter.parsing import ParsedMessage, parse
from mailrouter.store.bulk import RowConverter, dialect_for
from mailrouter.store.models import MessageRecord
from mailrouter.store.models.base import UTCDateTime

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
    return dict(zip(RECORD_COLUMNS, _record_row(parsed, now), strict=True))


def _record_row(parsed: ParsedMessage, now: datetime) -> tuple[Any, ...]:
    """``record_values`` in ``RECORD_COLUMNS`` order."""
    received = parsed.received_at
    headers = dict(parsed.headers)
    headers[":parts"] = str(parsed.parts)
    headers[":depth"] = str(parsed.depth)
    if parsed.defects:
        headers[":defects"] = ", ".join(parsed.defects)[:1000]
    return (
        parsed.raw_sha256,
        parsed.body_sha256,
        parsed.message_id,
        parsed.sender,
        parsed.sender_name,
        parsed.subject,
        parsed.date,
        received if received and received <= now + CLOCK_SKEW else now,
        parsed.in_reply_to,
        parsed.references,
        parsed.authentication_results,
        parsed.size,
        [a.as_json() for a in parsed.attachments],
        headers,
        round(parsed.parse_ms, 3),
        "quarantined" if parsed.quarantine_reason else "parsed",
        parsed.quarantine_reason,
    )


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
_SQLITE = "sqlite+pysqlite"
_SQLITE_DATETIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"
_JSON = json.JSONEncoder()
# The encoder json.dumps builds on every call, built once (where CPython has its C
# encoder). It leaves out the check for circular references, which the plain dicts
# and lists stored here cannot have.
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE = (
    _MAKE_ENCODER(
        None,
        _JSON.default,
        json.encoder.encode_basestring_ascii,
        None,
        _JSON.key_separator,
        _JSON.item_separator,
        _JSON.sort_keys,
        _JSON.skipkeys,
        _JSON.allow_nan,
    )
    if _MAKE_ENCODER is not None
    else None
)


def _sqlite_json(value: Any) -> Any:
    """What SQLAlchemy's JSON type binds on SQLite (``json.dumps``), for lists and dicts."""
    if _ENCODE is None or type(value) not in (list, dict):
        return json.dumps(value)
    return "".join(_ENCODE(value, 0)) if value else ("[]" if type(value) is list else "{}")


def _sqlite_datetime(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """What ``UTCDateTime`` binds on SQLite: the UTC time as SQLAlchemy's DATETIME formats it."""

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is not datetime or value.tzinfo is None:
            return fallback(value)  # which refuses naive datetimes
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return _SQLITE_DATETIME % (
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
        )

    return convert


def _sqlite_float(value: Any) -> Any:
    return value if type(value) is float else float(value) if value is not None else None


@cache
def _sqlite_converters() -> tuple[tuple[int, Callable[[Any], Any]], ...] | None:
    """For SQLite, converters giving what ``_RECORD.convert`` gives, without SQLAlchemy's
    generic processors (a fifth of the time ingestion spends on a message); None if
    these no longer match that SQLAlchemy's processors (then those are used).
    """
    processors = _RECORD.processors(dialect_for(_SQLITE))
    kinds = {name: type(_RECORD.table.c[name].type) for name in RECORD_COLUMNS}
    quick: list[tuple[int, Callable[[Any], Any]]] = []
    for position, processor in processors:
        kind = kinds[RECORD_COLUMNS[position]]
        if kind is UTCDateTime:
            quick.append((position, _sqlite_datetime(processor)))
        elif kind is JSON:
            quick.append((position, _sqlite_json))
        elif kind is Float:
            quick.append((position, _sqlite_float))
        else:
            return None
    samples: list[Any] = [
        None,
        datetime(2026, 2, 3, 9, 15, 2, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 2, 3, 9, 15, 2, 999999, tzinfo=timezone(timedelta(hours=-5))),
        [],
        {},
        [{"filename": "r\u00e9sum\u00e9.pdf", "size": 3, "disposition": "attachment"}],
        {"subject": 'quote " back \\ \u2028 \x00 \ud800', ":parts": "1"},
        1.25,
        0.0,
    ]
    for (_, processor), (_, convert) in zip(processors, quick, strict=True):
        for sample in samples:
            try:
                expected = processor(sample)
            except (TypeError, ValueError, AttributeError):
                continue
            if convert(sample) != expected:
                return None
    return tuple(quick)


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
    row = _record_row(parsed, now)
    if dialect == _SQLITE and (quick := _sqlite_converters()) is not None:
        values = list(row)
        for position, convert in quick:
            values[position] = convert(values[position])
        record = tuple(values)
    else:
        record = _RECORD.convert(dialect_for(dialect), row)
    return MessageRows(
        raw_sha256=parsed.raw_sha256,
        body_sha256=parsed.body_sha256,
        message_id=parsed.message_id,
        quarantined=parsed.quarantine_reason is not None,
        record=record,
        addresses=tuple([(a.role, a.address, a.display_name) for a in parsed.addresses]),
    )


def parse_rows(
    raws: Sequence[bytes], limits: LimitSettings, fold_subaddress: bool, dialect: str, now: datetime
) -> list[MessageRows]:
    """Parse a batch into rows: one call, so a batch crosses to a parsing process at once."""
    return [
        message_rows(parse(raw, limits, fold_subaddress=fold_subaddress), now, dialect)
        for raw in raws
    ]
