"""Hostile names and subjects cannot run or break the layout, in HTML or text (real Chromium).

The sample's hostile customer has script, CSS, ``javascript:`` URLs, a
2,000-character subject, RTL overrides and undecodable bytes in their name, the
subject (parsed from raw bytes by the real parser), routing hit details and a
held reply's subject. The page is checked twice: as sent, and with its
Content-Security-Policy removed, so escaping alone is shown to be enough.
"""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailrouter.digest.compose import digest_message
from mailrouter.digest.send import Outgoing
from mailrouter.testing.browser import dump_dom, require_chromium, screenshot
from tests.integration.test_digest_browser import NOW, parse_dom, render_all, sample_db, write

TITLE = "Managed contact digest for Jane Smith, Monday 30 November 2026"
# Our own measuring script, added to a copy of the page: layout facts into the DOM.
MEASURE = """<script>
(function () {
  var widest = 0;
  document.querySelectorAll('table, section, h2, div, td').forEach(function (el) {
    widest = Math.max(widest, el.getBoundingClientRect().right);
  });
  var b = document.body;
  b.setAttribute('data-scroll-width', String(document.documentElement.scrollWidth));
  b.setAttribute('data-inner-width', String(window.innerWidth));
  b.setAttribute('data-widest', String(Math.ceil(widest)));
  b.setAttribute('data-hostile-ran', String(window.pwned === 1));
  b.setAttribute('data-display', getComputedStyle(b).display);
})();
</script>"""


@pytest.fixture
def hostile(tmp_path: Path) -> Outgoing:
    require_chromium()
    settings, sessions = sample_db(tmp_path, hostile=True)
    return render_all(settings, sessions)["spoc:jsmith"]


def test_nothing_hostile_runs_or_becomes_markup(hostile: Outgoing, tmp_path: Path) -> None:
    html = hostile.rendered.html
    dom = parse_dom(dump_dom(write(tmp_path, hostile), width=1024, height=1400))
    assert [t.all_text() for t in dom.find("title")] == [TITLE]
    [body] = dom.find("body")
    assert "data-pwned" not in body.attrs
    # The only elements are ours: no script, image, iframe or form, one style sheet.
    assert not dom.find("script") and not dom.find("img") and not dom.find("iframe")
    assert len(dom.find("style")) == 1
    assert all(not a.attrs.get("href", "").lower().startswith("javascript") for a in dom.find("a"))
    assert all(set(a.attrs) == {"class", "href"} for a in dom.find("a"))
    # ...and the hostile text is all there, as text.
    group = next(g for g in dom.find("section", class_="customer") if "Robert" in g.all_text())
    text = group.all_text()
    assert "<script>document.title='pwned'" in text
    assert "javascript:alert(1)" in text and "<style>table{width:5000px" in text
    assert "\u202e" not in html and "\u202c" not in html
    assert any(d.all_text().strip() == "<b>FOI</b>" for d in group.find("span", class_="tag"))


@pytest.mark.parametrize("width", [1024, 520])
def test_escaping_alone_keeps_the_page_inert_and_inside_the_viewport(
    hostile: Outgoing, tmp_path: Path, width: int
) -> None:
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", hostile.rendered.html)
    assert "Content-Security-Policy" not in html
    page = tmp_path / f"no-csp-{width}.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = parse_dom(dump_dom(page, width=width, height=900))
    [body] = dom.find("body")
    assert body.attrs["data-hostile-ran"] == "false"
    assert "data-pwned" not in body.attrs
    assert body.attrs["data-display"] != "none"  # the hostile <style> did not apply
    assert [t.all_text() for t in dom.find("title")] == [TITLE]
    assert int(body.attrs["data-inner-width"]) == width
    # Nothing wider than the window: long subjects wrap, no horizontal scrolling.
    assert int(body.attrs["data-scroll-width"]) <= width
    assert int(body.attrs["data-widest"]) <= width
    size = screenshot(page, tmp_path / f"hostile-{width}.png", width=width, height=900)
    assert size.width == width


def test_text_part_and_message_are_clean(hostile: Outgoing) -> None:
    text = hostile.rendered.text
    for char in text:
        category = unicodedata.category(char)
        assert char == "\n" or category not in ("Cc", "Cf", "Cs", "Zl", "Zp"), repr(char)
    assert all(len(line) <= 400 for line in text.splitlines())
    # The 2,000-character subject is cut, with an ellipsis, in both parts.
    assert "A" * 2000 not in text and "\u2026" in text
    raw, _ = digest_message(
        hostile.rendered,
        key=hostile.key,
        from_address="mc@council.example",
        council_name="Example <Council>",
        to_name=hostile.to_name,
        to_address=hostile.to_address,
        date=NOW,
    )
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    plain = msg.get_body(("plain",))
    rich = msg.get_body(("html",))
    assert plain is not None and rich is not None
    assert plain.get_content().replace("\r\n", "\n") == text
    assert rich.get_content().replace("\r\n", "\n") == hostile.rendered.html
    assert "\n" not in str(msg["Subject"]) and "<script" not in str(msg["Subject"])
