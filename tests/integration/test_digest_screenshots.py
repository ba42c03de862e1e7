"""Dry-run screenshots show the whole digest, bounded at 20,000 px and saying so when cut.

Real headless Chromium. The page height the PNG should have is measured
independently: a copy of the digest with a script appended (and the CSP that
would block it removed) writes ``scrollHeight`` at the same width into the DOM.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from mailrouter.config import DatabaseSettings, Settings
from mailrouter.digest import sample
from mailrouter.render.browser import full_page_screenshot
from mailrouter.store import db
from mailrouter.testing.browser import dump_dom, png_size, require_chromium

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
MEASURE = (
    "<script>document.body.setAttribute('data-height',"
    " String(document.documentElement.scrollHeight))</script>"
)


def page(tmp_path: Path, name: str, height: int) -> Path:
    html = tmp_path / f"{name}.html"
    html.write_text(
        "<!doctype html><html><body style='margin:0'>"
        f"<div style='height:{height}px;background:#8ac'></div></body></html>"
    )
    return html


def measured_height(html: Path, tmp_path: Path) -> int:
    text = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", html.read_text())
    probe = tmp_path / f"{html.stem}-probe.html"
    probe.write_text(text.replace("</body>", MEASURE + "</body>"))
    found = re.search(r'data-height="(\d+)"', dump_dom(probe, width=1024, height=100))
    assert found, "the probe script did not run"
    return int(found[1])


def test_the_png_is_the_page_at_its_own_height_and_cut_at_the_bound(tmp_path: Path) -> None:
    require_chromium()
    tall = full_page_screenshot(page(tmp_path, "tall", 5000), tmp_path / "tall.png")
    assert (tall.size.width, tall.size.height, tall.page_height, tall.cut) == (
        1024,
        5000,
        5000,
        False,
    )
    short = full_page_screenshot(page(tmp_path, "short", 300), tmp_path / "short.png")
    assert (short.size.height, short.cut) == (300, False)
    huge = full_page_screenshot(page(tmp_path, "huge", 30_000), tmp_path / "huge.png")
    assert (huge.size.height, huge.page_height, huge.cut) == (20_000, 30_000, True)
    assert png_size(tmp_path / "huge.png") == huge.size


def test_a_long_digest_dry_run_screenshot_shows_all_of_it(tmp_path: Path) -> None:
    require_chromium()
    url = f"sqlite:///{tmp_path}/mailrouter.sqlite3"
    engine = db.make_engine(url)
    db.upgrade(engine)
    settings = sample.settings_for(
        replace(Settings(base_dir=str(tmp_path)), database=DatabaseSettings(url=url))
    )
    sample.seed(db.session_factory(engine), settings, now=NOW, extra_mail=60)
    engine.dispose()
    config = tmp_path / "mailrouter.toml"
    config.write_text(sample.config_toml(settings, url), encoding="utf-8")
    out, shots = tmp_path / "out", tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "mailrouter", "--config", str(config), "digest", "send",
         "--dry-run", "--spoc", "jsmith", "--out", str(out), "--screenshot", str(shots),
         "--now", NOW.isoformat()],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    stem = "2026-11-30-spoc-jsmith"
    size = png_size(shots / f"{stem}.png")
    expected = measured_height(out / f"{stem}.html", tmp_path)
    assert expected > 1400, "the sample should be longer than the old fixed window"
    assert (size.width, size.height) == (1024, expected)
    assert f"screenshot 1024x{expected}" in result.stdout
    assert "cut at" not in result.stdout
