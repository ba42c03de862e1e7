"""A read-link page from the running console, in real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.store import db
from mailrouter.testing.browser import dump_dom, require_chromium, screenshot
from tests.integration.test_report_browser import _MEASURE
from tests.integration.test_web_console import Running, _seed, _settings, _token

WIDTH = 1024


@pytest.fixture
def saved_page(sqlite_url: str, tmp_path: Path) -> Iterator[Path]:
    """The read page and its stylesheet as served, saved side by side for file:// viewing."""
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    sessions: sessionmaker[Session] = db.session_factory(engine)
    ids = _seed(sessions)
    with Running(_settings(), sessions) as running:
        status, _, page = running.request("GET", f"/read/{_token(ids['hostile'])}")
        assert status == 200
        css = running.request("GET", "/static/console.css")[2]
    engine.dispose()
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "console.css").write_text(css, encoding="utf-8")
    path = tmp_path / "read.html"
    path.write_text(page.replace('href="/static/', 'href="static/'), encoding="utf-8")
    yield path


def test_read_page_in_chromium(saved_page: Path, tmp_path: Path) -> None:
    require_chromium()
    dom = dump_dom(saved_page, width=WIDTH, height=768)
    assert "<title>Diverted message · mailrouter</title>" in dom
    assert '<form method="post"' in dom and '<button type="submit">Mark as read</button>' in dom
    assert "<script" not in dom
    assert "&lt;script&gt;alert('x')&lt;/script&gt;\u202eevil" in dom
    probe = tmp_path / "probe.html"
    html = saved_page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    measured = dump_dom(probe, width=WIDTH, height=768)
    scroll = re.search(r'data-scroll-width="(\d+)"', measured)
    assert scroll is not None and int(scroll.group(1)) <= WIDTH
    size = screenshot(saved_page, tmp_path / "read.png", width=WIDTH, height=768)
    assert (size.width, size.height) == (WIDTH, 768)
