"""Signed "mark read" links: HMAC-SHA256 tokens naming one diverted item and one SPOC.

A token is ``<payload>.<mac>``, both URL-safe base64 without padding. The payload
is ``v1|<diverted_id>|<expires unix seconds>|<spoc_id>`` (the SPOC id last, so it
may contain any character). Verification checks the MAC in constant time before
reading anything else, so a forged token tells an attacker nothing.

The secret comes from ``web.secret_key``; without one it is generated once and
kept in a 0600 file beside the database (or in ``general.data_dir``), so links
in yesterday's digest still work after a restart.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from mailrouter.config import Settings
from mailrouter.errors import MailrouterError

_VERSION = "v1"
SECRET_FILE_NAME = "web-secret.key"  # noqa: S105 - a file name, not a secret
_SECRET_BYTES = 32


class TokenError(MailrouterError):
    """A read token is unusable; ``reason`` is one of ``malformed``, ``signature``, ``expired``."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"mailrouter-read:" + payload, hashlib.sha256).digest()


def sign_read_token(secret: bytes, diverted_id: int, spoc_id: str, expires: datetime) -> str:
    """A URL-safe token letting ``spoc_id`` mark diverted item ``diverted_id`` read until
    ``expires`` (timezone-aware)."""
    if expires.tzinfo is None:
        raise ValueError("expires must be timezone-aware")
    if not secret:
        raise ValueError("the signing secret is empty")
    payload = f"{_VERSION}|{int(diverted_id)}|{int(expires.timestamp())}|{spoc_id}".encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def verify_read_token(secret: bytes, token: str, now: datetime) -> tuple[int, str]:
    """``(diverted_id, spoc_id)`` from a token this secret signed and that has not expired.

    Raises ``TokenError`` for a malformed token, a bad signature or expiry.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    try:
        encoded_payload, encoded_mac = token.split(".")
        payload = _unb64(encoded_payload)
        given = _unb64(encoded_mac)
    except (ValueError, UnicodeEncodeError, binascii.Error) as exc:
        raise TokenError("malformed", "the read link is malformed") from exc
    if not hmac.compare_digest(given, _mac(secret, payload)):
        raise TokenError("signature", "the read link's signature is not valid")
    try:
        version, diverted, expires, spoc_id = payload.decode("utf-8").split("|", 3)
        diverted_id = int(diverted)
        expires_at = datetime.fromtimestamp(int(expires), UTC)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError) as exc:
        raise TokenError("malformed", "the read link is malformed") from exc
    if version != _VERSION:
        raise TokenError("malformed", "the read link has an unknown version")
    if now >= expires_at:
        raise TokenError("expired", "the read link has expired")
    return diverted_id, spoc_id


def secret_file_path(settings: Settings) -> Path:
    """Where a generated secret is kept: beside a SQLite database, else in the data dir."""
    url = settings.database_url()
    prefix = "sqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        return Path(url[len(prefix) :].split("?", 1)[0]).parent / SECRET_FILE_NAME
    return settings.resolve_path(settings.general.data_dir) / SECRET_FILE_NAME


def load_secret(settings: Settings) -> bytes:
    """The signing secret: ``web.secret_key`` if set, else the kept (or new) secret file."""
    if settings.web.secret_key is not None:
        return settings.web.secret_key.reveal().encode("utf-8")
    return load_or_create_secret_file(secret_file_path(settings))


def load_or_create_secret_file(path: Path) -> bytes:
    """Read the secret kept at ``path``, creating it (0600, exclusively) on first use."""
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    data = secrets.token_hex(_SECRET_BYTES).encode("ascii")
    # Written whole to a private temporary file, then linked into place: link()
    # fails if the name exists, so two daemons starting together agree on one
    # secret and neither ever reads a half-written file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _read_secret(path)
    finally:
        tmp.unlink(missing_ok=True)
    return data


def _read_secret(path: Path) -> bytes:
    data = path.read_bytes().strip()
    if len(data) < _SECRET_BYTES:
        raise MailrouterError(f"the web secret file {path} is too short; delete it to regenerate")
    return data
