"""Headless Chromium for tests: skip when it is absent, fail when servers are required.

The browser code lives in ``mailrouter.render.browser`` (the CLI uses it too);
this module re-exports it and adds ``require_chromium()``, which a browser test
calls first: without Chromium it skips with the reason, except under
``MAILROUTER_REQUIRE_SERVERS=1`` (as in CI) where it fails, exactly like the
server fixtures in ``tests/conftest.py``.

Typical use::

    from mailrouter.testing.browser import dump_dom, require_chromium, screenshot

    def test_page(tmp_path):
        require_chromium()
        dom = dump_dom(tmp_path / "page.html", width=1024, height=768)
        size = screenshot(tmp_path / "page.html", tmp_path / "page.png")
"""

from __future__ import annotations

import os
from pathlib import Path

from mailrouter.render.browser import (
    BrowserError,
    PngSize,
    chromium_available,
    dump_dom,
    find_chromium,
    png_size,
    screenshot,
)

__all__ = [
    "BrowserError",
    "PngSize",
    "chromium_available",
    "dump_dom",
    "find_chromium",
    "png_size",
    "require_chromium",
    "screenshot",
]


def require_chromium() -> Path:
    """The Chromium executable; otherwise skip the test (or fail when servers are required)."""
    import pytest  # noqa: PLC0415 - only tests call this; the package must not need pytest

    exe = find_chromium()
    if exe is not None:
        return exe
    reason = "chromium is not installed (Debian: apt-get install chromium)"
    if os.environ.get("MAILROUTER_REQUIRE_SERVERS") == "1":
        pytest.fail(f"required test browser unavailable: {reason}", pytrace=False)
    pytest.skip(reason)
