"""The headless Chromium helper: DOM after scripts, PNG screenshots, missing files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailrouter.testing.browser import (
    BrowserError,
    dump_dom,
    png_size,
    require_chromium,
    screenshot,
)


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>before</title></head><body>"
        "<p id='p'>hello</p><script>document.title = 'after';</script></body></html>",
        encoding="utf-8",
    )
    return page


def test_dump_dom_runs_page_scripts(tmp_path: Path) -> None:
    require_chromium()
    dom = dump_dom(_page(tmp_path))
    assert "<title>after</title>" in dom
    assert '<p id="p">hello</p>' in dom


def test_screenshot_has_the_window_size(tmp_path: Path) -> None:
    require_chromium()
    png = tmp_path / "shots" / "page.png"
    size = screenshot(_page(tmp_path), png, width=640, height=480)
    assert (size.width, size.height) == (640, 480)
    assert png_size(png) == size
    assert png.stat().st_size > 500


def test_missing_file_and_non_png_are_errors(tmp_path: Path) -> None:
    require_chromium()
    with pytest.raises(BrowserError, match="no such file"):
        dump_dom(tmp_path / "absent.html")
    not_png = tmp_path / "x.png"
    not_png.write_bytes(b"GIF89a" + bytes(40))
    with pytest.raises(BrowserError, match="not a PNG"):
        png_size(not_png)
