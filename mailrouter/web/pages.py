"""HTML pages of the console, rendered by Jinja with autoescape from typed rows.

Pure: rows in, text out. Values from mail (subjects, mailbox names, SPOC ids)
are escaped and wrapped in ``<bdi>`` so right-to-left overrides stay put.
Nothing here shows a message body.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader

from mailrouter.web.queries import Counts, DivertedItem, FlagItem, HeldItem, UnreadForSpoc


@dataclass(frozen=True, slots=True)
class _Row:
    cells: tuple[str, ...]
    urgent: bool = False


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("mailrouter", "templates"), autoescape=True)


@cache
def stylesheet() -> bytes:
    return (resources.files("mailrouter") / "templates/web/console.css").read_bytes()


def _render(template: str, **values: Any) -> str:
    return _env().get_template(f"web/{template}").render(**values)


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def message(title: str, text: str, *, error: bool = False) -> str:
    return _render("message.html.j2", title=title, message=text, error=error, ig=False)


def read_page(item: DivertedItem, *, token: str, csrf: str, reader: str, tz: ZoneInfo) -> str:
    return _render(
        "read.html.j2",
        title="Diverted message",
        item=item,
        token=token,
        csrf=csrf,
        reader=reader,
        received=_when(item.received_at, tz),
        read_at=_when(item.read_at, tz),
        ig=False,
    )


def index(counts: Counts) -> str:
    return _render("index.html.j2", title="Managed contact console", counts=counts, ig=True)


def _table(title: str, columns: Sequence[str], rows: Sequence[_Row]) -> str:
    return _render("table.html.j2", title=title, columns=columns, rows=rows, ig=True)


def flags(items: Sequence[FlagItem]) -> str:
    rows = [
        _Row(
            (
                str(f.id),
                "urgent" if f.urgent else "",
                f.kind,
                f.subject,
                f.case_reference or "",
                f.period_end.isoformat(),
                f.explanation,
            ),
            urgent=f.urgent,
        )
        for f in items
    ]
    columns = ("flag", "urgent", "kind", "about", "case", "period end", "why")
    return _table("Flag queue (open)", columns, rows)


def unread(items: Sequence[UnreadForSpoc], tz: ZoneInfo) -> str:
    rows = [_Row((i.spoc_id or "(no SPOC)", str(i.unread), _when(i.oldest, tz))) for i in items]
    return _table("Diverted mail unread, per SPOC", ("SPOC", "unread", "oldest received"), rows)


def held(items: Sequence[HeldItem], tz: ZoneInfo) -> str:
    rows = [
        _Row(
            (
                str(h.id),
                h.case_reference,
                h.spoc_id,
                h.subject,
                _when(h.captured_at, tz),
                h.release_on.isoformat(),
                h.early_reason or "",
            )
        )
        for h in items
    ]
    columns = ("reply", "case", "SPOC", "subject", "captured", "release on", "early because")
    return _table("Held replies", columns, rows)
