"""Digests to HTML and plain text with Jinja; HTML is autoescaped, undefined names fail.

The HTML is one self-contained page: inline styles, no images, no scripts, no
external resources, and a Content-Security-Policy that forbids scripts even if
one got in. The only links are the console's "mark read" links, built by us.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from mailrouter.actions.compose import clean_line
from mailrouter.digest.model import IgSummary, SpocDigest


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    html: str
    text: str


def longdate(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def localtime(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"


@cache
def _env() -> Environment:
    # HTML templates are escaped; the text templates get values already made single safe lines.
    env = Environment(
        loader=PackageLoader("mailrouter", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.filters["localtime"] = localtime
    return env


def _both(name: str, **values: object) -> tuple[str, str]:
    html = _env().get_template(f"digest/{name}.html.j2").render(**values)
    text = _env().get_template(f"digest/{name}.txt.j2").render(**values)
    return html, text


def render_spoc(digest: SpocDigest, council: str) -> Rendered:
    html, text = _both("spoc", d=digest, council=clean_line(council, 120))
    subject = f"Managed contact digest {digest.day.isoformat()}: {digest.unread} unread"
    if digest.overdue:
        subject += f", {digest.overdue} overdue"
    if digest.deputy_name:
        subject += f" (deputising for {digest.spoc_name})"
    return Rendered(clean_line(subject, 200), html, text)


def render_ig(summary: IgSummary, council: str) -> Rendered:
    html, text = _both("ig", s=summary, council=clean_line(council, 120))
    subject = f"Managed contact IG summary {summary.day.isoformat()}: {summary.items} items"
    return Rendered(subject, html, text)
