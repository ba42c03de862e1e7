"""Signed read tokens: round trip, tampering, expiry, wrong secret, the kept secret file."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mailrouter import config
from mailrouter.web.signing import (
    TokenError,
    load_or_create_secret_file,
    load_secret,
    secret_file_path,
    sign_read_token,
    verify_read_token,
)

SECRET = b"k" * 32
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=14)


def test_round_trip_and_url_safe() -> None:
    token = sign_read_token(SECRET, 42, "spoc:odd|id é", LATER)
    assert all(c.isalnum() or c in "-_." for c in token)
    assert verify_read_token(SECRET, token, NOW) == (42, "spoc:odd|id é")


@pytest.mark.parametrize("position", [0, 5, -1, -5])
def test_tampered_token_is_rejected(position: int) -> None:
    token = sign_read_token(SECRET, 42, "spoc-a", LATER)
    chars = list(token)
    chars[position] = "A" if chars[position] != "A" else "B"
    with pytest.raises(TokenError) as info:
        verify_read_token(SECRET, "".join(chars), NOW)
    assert info.value.reason in {"signature", "malformed"}


def test_payload_swapped_between_tokens_is_rejected() -> None:
    one = sign_read_token(SECRET, 1, "spoc-a", LATER)
    two = sign_read_token(SECRET, 2, "spoc-a", LATER)
    forged = one.split(".")[0] + "." + two.split(".")[1]
    with pytest.raises(TokenError, match="signature"):
        verify_read_token(SECRET, forged, NOW)


def test_wrong_secret_is_rejected() -> None:
    token = sign_read_token(SECRET, 42, "spoc-a", LATER)
    with pytest.raises(TokenError) as info:
        verify_read_token(b"x" * 32, token, NOW)
    assert info.value.reason == "signature"


def test_expired_token_is_rejected() -> None:
    token = sign_read_token(SECRET, 42, "spoc-a", NOW + timedelta(seconds=1))
    assert verify_read_token(SECRET, token, NOW) == (42, "spoc-a")
    with pytest.raises(TokenError) as info:
        verify_read_token(SECRET, token, NOW + timedelta(seconds=1))
    assert info.value.reason == "expired"


@pytest.mark.parametrize("token", ["", ".", "abc", "a.b.c", "!!!.???", "é.é", "YQ.YQ"])
def test_malformed_tokens_are_rejected(token: str) -> None:
    with pytest.raises(TokenError):
        verify_read_token(SECRET, token, NOW)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_read_token(SECRET, 1, "s", datetime(2026, 1, 1))


def test_secret_file_is_created_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "web-secret.key"
    first = load_or_create_secret_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret_file(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["web-secret.key"]


def test_configured_secret_wins_and_file_sits_beside_sqlite(tmp_path: Path) -> None:
    db_file = tmp_path / "data" / "m.sqlite3"
    settings = config.loads(
        f'[database]\nurl = "sqlite:///{db_file}"\n[web]\nsecret_key_env = "K"\n',
        {"K": "configured-secret"},
        base_dir=tmp_path,
    )
    assert load_secret(settings) == b"configured-secret"
    bare = config.loads(f'[database]\nurl = "sqlite:///{db_file}"\n', {}, base_dir=tmp_path)
    assert secret_file_path(bare) == db_file.parent / "web-secret.key"
    assert load_secret(bare) == load_secret(bare)
