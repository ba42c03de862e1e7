""" "Mark read" links for digest items: a signed console link, and always the CLI command.

The token is the console's (``mailrouter.web.signing``): it names the diverted
message by the same number ``mailrouter diverted ack`` takes (the stored
message's id) and the SPOC who reads the digest (the deputy while the SPOC is
away), and expires after ``LINK_LIFETIME``. With the console switched off
(``web.enabled = false``) items carry the CLI command only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from mailrouter.config import Settings
from mailrouter.digest.collect import Linker
from mailrouter.digest.model import ReadLink
from mailrouter.web.signing import load_secret, sign_read_token

# A link outlives a long weekend and a bank holiday, not more.
LINK_LIFETIME = timedelta(days=7)

Signer = Callable[[bytes, int, str, datetime], str]


def cli_command(message_pk: int) -> str:
    return f"mailrouter diverted ack {message_pk}"


def console_base(settings: Settings) -> str:
    configured = settings.digest.console_url.strip().rstrip("/")
    return configured or f"http://{settings.web.host}:{settings.web.port}"


def cli_only(message_pk: int, _reader: str) -> ReadLink:
    return ReadLink(None, cli_command(message_pk))


def linker(settings: Settings, now: datetime, signer: Signer | None = None) -> Linker:
    """Links for the items of digests built at ``now``."""
    if not settings.web.enabled:
        return cli_only
    sign = signer or sign_read_token
    # The console's secret: web.secret_key, or the one it keeps beside the database.
    key = load_secret(settings)
    base = console_base(settings)
    expires = now + LINK_LIFETIME

    def link(message_pk: int, reader: str) -> ReadLink:
        token = sign(key, message_pk, reader, expires)
        return ReadLink(f"{base}/read/{quote(token, safe='')}", cli_command(message_pk))

    return link
