"""A self-contained, print-friendly HTML page of the report's tables.

No external resources at all, and a Content-Security-Policy that allows only
the page's own stylesheet (by hash): nothing a hostile name smuggles in can
load or run. Every value is escaped by Jinja's autoescape and wrapped in
``<bdi>`` so right-to-left overrides stay inside their cell; long unbroken
values wrap instead of widening the page.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from jinja2 import Environment, PackageLoader

from mailrouter.reports.governance import GovernanceReport
from mailrouter.reports.tables import Table, format_cell


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    numeric: bool


def _css() -> str:
    return (resources.files("mailrouter") / "templates/report/governance.css").read_text("utf-8")


def style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: GovernanceReport, tables: Sequence[Table], generated: datetime) -> str:
    env = Environment(
        loader=PackageLoader("mailrouter", "templates"), autoescape=True, keep_trailing_newline=True
    )
    css = _css()
    shaped = [
        {
            "key": t.key,
            "title": t.title,
            "note": t.note,
            "columns": t.columns,
            "rows": [
                [_Cell(format_cell(c), isinstance(c, int | float)) for c in row] for row in t.rows
            ],
        }
        for t in tables
    ]
    return env.get_template("report/governance.html.j2").render(
        quarter=report.quarter.label,
        council=report.council_name,
        start=report.quarter.start.isoformat(),
        end=report.quarter.end.isoformat(),
        generated=generated.strftime("%Y-%m-%d %H:%M %Z").strip(),
        tables=shaped,
        css=css,
        style_hash=style_hash(css),
    )
