"""The governance report's HTML in real headless Chromium: structure, hostile input, a PNG."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.reports.output import governance_report, write_governance
from mailrouter.store import db
from mailrouter.testing.browser import dump_dom, png_size, require_chromium, screenshot
from tests.integration.test_report_governance import HOSTILE_NAME, NOW, Q4, _seed, _settings

WIDTH = 1024
# Measures the laid-out page; added only to a test copy, since the report's own
# Content-Security-Policy (rightly) runs no script.
_MEASURE = (
    "<script>window.addEventListener('load', () => {"
    "document.body.setAttribute('data-scroll-width', document.documentElement.scrollWidth);"
    "document.body.setAttribute('data-widest-table', Math.max(...Array.from("
    "document.querySelectorAll('table'), t => t.getBoundingClientRect().right)));"
    "});</script>"
)


@pytest.fixture
def seeded(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    engine: Engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    _seed(sessions)
    yield sessions
    engine.dispose()


@pytest.fixture
def page(seeded: sessionmaker[Session], tmp_path: Path) -> Path:
    report = governance_report(seeded, _settings(), Q4)
    (path,) = write_governance(report, tmp_path, "html", NOW)
    return path


def test_structure_and_hostile_values_inert(page: Path) -> None:
    require_chromium()
    dom = dump_dom(page, width=WIDTH, height=768)
    assert "<title>Managed contact governance report 2026Q4</title>" in dom
    ids = re.findall(r'<section id="([a-z]+)" class="report-table">', dom)
    assert ids == ["summary", "active", "movements", "outcomes", "overdue", "durations", "diverted"]
    assert "<script" not in dom and "<img" not in dom and "pwned" not in dom.split("<body")[0]
    # The hostile name is shown as text, inside an isolating <bdi>.
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;\u202eRekrah" in dom
    overdue = dom.split('<section id="overdue"')[1].split("</section>")[0]
    assert overdue.count("<tr>") == 2  # header and D's row
    assert '<td class="num"><bdi>91</bdi></td>' in overdue


def test_long_and_rtl_values_do_not_widen_the_page(page: Path, tmp_path: Path) -> None:
    require_chromium()
    html = page.read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe.write_text(without_csp.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = dump_dom(probe, width=WIDTH, height=768)
    scroll = int(re.search(r'data-scroll-width="(\d+)"', dom).group(1))  # type: ignore[union-attr]
    widest = float(re.search(r'data-widest-table="([\d.]+)"', dom).group(1))  # type: ignore[union-attr]
    assert scroll <= WIDTH
    assert widest <= WIDTH


def test_screenshot(page: Path, tmp_path: Path) -> None:
    require_chromium()
    png = tmp_path / "governance-2026Q4.png"
    size = screenshot(page, png, width=WIDTH, height=1400)
    assert (size.width, size.height) == (WIDTH, 1400)
    assert png_size(png) == size
    assert png.stat().st_size > 20_000
    assert HOSTILE_NAME  # the seeded page holds the hostile customer and service names
