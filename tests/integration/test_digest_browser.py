"""Digests from a realistic register, checked in real headless Chromium: DOM and screenshot."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import DatabaseSettings, Settings
from mailrouter.digest import sample
from mailrouter.digest.send import Outgoing, build
from mailrouter.store import db
from mailrouter.testing.browser import dump_dom, png_size, require_chromium, screenshot

# A Monday in winter (London = UTC): the digest time.
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "col", "wbr", "source", "area"})


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants with ``tag`` whose attributes contain ``attrs`` (class: one of)."""
        found: list[Node] = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                value in child.attrs.get(key.rstrip("_"), "").split()
                if key == "class_"
                else child.attrs.get(key) == value
                for key, value in attrs.items()
            ):
                found.append(child)
            found.extend(child.find(tag, **attrs))
        return found

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def parse_dom(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


def sample_db(tmp_path: Path, *, hostile: bool) -> tuple[Settings, sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path}/digest.sqlite3"
    engine = db.make_engine(url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    settings = sample.settings_for(
        replace(Settings(base_dir=str(tmp_path)), database=DatabaseSettings(url=url))
    )
    sample.seed(sessions, settings, now=NOW, hostile=hostile)
    return settings, sessions


def render_all(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, Outgoing]:
    with sessions() as session:
        items, empty = build(session, settings, day=NOW.date(), now=NOW)
    assert empty == []
    return {f"{item.kind}:{item.recipient_id}": item for item in items}


def write(tmp_path: Path, item: Outgoing) -> Path:
    page = tmp_path / f"{item.kind}-{item.recipient_id}.html"
    page.write_text(item.rendered.html, encoding="utf-8")
    return page


@pytest.fixture
def digests(tmp_path: Path) -> dict[str, Outgoing]:
    require_chromium()
    settings, sessions = sample_db(tmp_path, hostile=False)
    return render_all(settings, sessions)


def test_spoc_digest_structure_in_chromium(digests: dict[str, Outgoing], tmp_path: Path) -> None:
    item = digests["spoc:jsmith"]
    dom = parse_dom(dump_dom(write(tmp_path, item), width=1024, height=1400))
    [main] = dom.find("main", id="digest")
    assert (main.attrs["data-kind"], main.attrs["data-spoc"]) == ("spoc", "jsmith")
    for section in ("summary", "customers", "how-to-mark-read"):
        assert dom.find("section", id=section), section
    assert dom.find(id="unread-count")[0].all_text() == "3"
    groups = dom.find("section", class_="customer")
    names = [g.find("h2")[0].all_text().split(" MC-")[0] for g in groups]
    # Peter's oldest unread (80 hours) before Mary's (3 hours); each customer once.
    assert names == ["Peter Example", "Mary Sample"]
    peter = groups[0]
    rows = peter.find("tr", class_="item")
    states = [("unread" in r.attrs["class"].split()) for r in rows]
    assert states == [True, True, False]  # unread first, then read
    received = [r.attrs["data-received"] for r in rows if "unread" in r.attrs["class"]]
    assert received == sorted(received)
    due = {s.attrs["data-due"] for s in peter.find("span", class_="deadline")}
    assert due == {
        (NOW.date() + timedelta(days=20)).isoformat(),  # SAR
        (NOW.date() + timedelta(days=28)).isoformat(),  # FOI
    }
    assert "SAR" in peter.all_text() and "FOI" in peter.all_text()
    assert peter.find("span", class_="overdue")[0].all_text() == "unread 80 hours"
    assert (
        peter.find("span", class_="release")[0].attrs["data-release"]
        == (NOW.date() + timedelta(days=9)).isoformat()
    )
    mary = groups[1]
    assert "threat of violence" in mary.find("div", class_="safety")[0].all_text()
    links = dom.find("a", class_="read-link")
    assert len(links) == 3
    assert all(a.attrs["href"].startswith("http://127.0.0.1:8025/read/") for a in links)
    commands = [c.all_text() for c in dom.find("code", class_="read-command")]
    assert all(c.startswith("mailrouter diverted ack ") for c in commands)


def test_absent_spoc_digest_goes_to_the_deputy(
    digests: dict[str, Outgoing], tmp_path: Path
) -> None:
    item = digests["spoc:bpatel"]
    assert item.to_address == "asha.khan@council.example"
    dom = parse_dom(dump_dom(write(tmp_path, item)))
    assert "deputy for Ben Patel" in dom.find("p", class_="muted")[0].all_text()
    [group] = dom.find("section", class_="customer")
    assert "Dora Absent-Case" in group.all_text()


def test_ig_summary_structure_in_chromium(digests: dict[str, Outgoing], tmp_path: Path) -> None:
    item = digests["ig:ig"]
    assert item.to_address == "information.governance@council.example"
    dom = parse_dom(dump_dom(write(tmp_path, item)))
    sections = {
        s.attrs["id"]: s for s in dom.find("section") if s.attrs.get("id") and s.attrs["id"]
    }
    assert set(sections) >= {
        "summary", "unread-spocs", "reviews", "lapsing", "flags",
        "deletions", "holds", "parked", "mailboxes",
    }  # fmt: skip
    late = [r.attrs["data-spoc"] for r in sections["unread-spocs"].find("tr", class_="row")]
    assert late == ["jsmith", "akhan"]  # 80 hours, then 60
    reviews = sections["reviews"].find("tr", class_="row")
    assert [("overdue" in r.attrs["class"]) for r in reviews] == [True, False]
    assert "Colin Quiet" in reviews[0].all_text() and "Sam O" in reviews[1].all_text()
    assert "Colin Quiet" in sections["lapsing"].all_text()
    assert "Urgent" in sections["flags"].all_text()
    assert "FOI-2026-0412" in sections["holds"].all_text()
    assert "550 5.1.1" in sections["parked"].all_text()
    assert "AUTHENTICATIONFAILED" in sections["mailboxes"].all_text()
    [deletion] = sections["deletions"].find("tr", class_="row")
    assert "nothing: may be deleted" in deletion.all_text()
    assert deletion.attrs["data-case"].startswith("MC-2023-")  # closed three years ago


def test_screenshots_are_saved(digests: dict[str, Outgoing], tmp_path: Path) -> None:
    for key in ("spoc:jsmith", "ig:ig"):
        png = tmp_path / "shots" / f"{key.replace(':', '-')}.png"
        size = screenshot(write(tmp_path, digests[key]), png, width=1024, height=1400)
        assert (
            (size.width, size.height) == (1024, 1400) == (png_size(png).width, png_size(png).height)
        )
        # A blank page compresses to a few hundred bytes; a rendered digest does not.
        assert png.stat().st_size > 20_000
