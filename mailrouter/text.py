"""A bounded plain-text excerpt of a message, for the detectors and nothing else.

Only messages a decision needs (register customers, or everyone when detection
is configured so) are parsed this far; ingestion stores headers only. Messages
reaching here have passed ingestion's size, depth and parts limits. HTML is
reduced to its text with the standard library's parser: no script runs and no
markup survives into anything shown to a person.
"""

from __future__ import annotations

import email
import email.policy
from email.message import Message
from html.parser import HTMLParser

MAX_PARTS_SCANNED = 50


class _TextOnly(HTMLParser):
    """Keeps visible text; drops script, style and head content."""

    SKIP = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in {"br", "p", "div", "li", "tr", "blockquote"}:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name from the sender
        return payload.decode("utf-8", errors="replace")


def excerpt(raw: bytes, max_chars: int = 20_000) -> str:
    """The first text/plain part (or text/html made plain), capped at ``max_chars``."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    html: str | None = None
    for count, part in enumerate(message.walk()):
        if count >= MAX_PARTS_SCANNED:
            break
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return _decoded(part)[:max_chars]
        if kind == "text/html" and html is None:
            html = _decoded(part)[: max_chars * 4]
    return html_to_text(html)[:max_chars] if html is not None else ""
