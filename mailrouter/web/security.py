"""Response headers and the CSRF token for the read form.

The console serves no script at all, so the Content-Security-Policy forbids
scripts outright and allows only its own stylesheet, served from ``/static``.
The CSRF token is an HMAC of the read token under a separate label: only a
page this server rendered for that token carries it, and it needs no state.
"""

from __future__ import annotations

import hashlib
import hmac

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def csrf_token(secret: bytes, read_token: str) -> str:
    return hmac.new(secret, b"mailrouter-csrf:" + read_token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, read_token: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(secret, read_token), given)
