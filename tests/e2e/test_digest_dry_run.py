"""`mailrouter digest send --dry-run --out DIR --screenshot DIR` on a seeded register."""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from mailrouter.config import DatabaseSettings, Settings
from mailrouter.digest import sample
from mailrouter.store import db
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.outbox import OutboxRow
from mailrouter.testing.browser import png_size, require_chromium

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
STEMS = ("2026-11-30-spoc-akhan", "2026-11-30-spoc-bpatel", "2026-11-30-spoc-jsmith",
         "2026-11-30-ig-ig")  # fmt: skip


def test_dry_run_renders_files_and_screenshots_and_records_nothing(tmp_path: Path) -> None:
    require_chromium()
    url = f"sqlite:///{tmp_path}/mailrouter.sqlite3"
    engine = db.make_engine(url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    settings = sample.settings_for(
        replace(Settings(base_dir=str(tmp_path)), database=DatabaseSettings(url=url))
    )
    sample.seed(sessions, settings, now=NOW, hostile=True)
    spocs = "".join(
        f'[[spocs]]\nid = "{s.id}"\nname = "{s.name}"\nemail = "{s.email}"\n'
        f'deputy = "{s.deputy}"\nabsent = {str(s.absent).lower()}\n\n'
        for s in settings.spocs
    )
    config = tmp_path / "mailrouter.toml"
    config.write_text(f'[database]\nurl = "{url}"\n\n{spocs}', encoding="utf-8")
    out, shots = tmp_path / "out", tmp_path / "shots"
    result = subprocess.run(
        [sys.executable, "-m", "mailrouter", "--config", str(config), "digest", "send",
         "--dry-run", "--out", str(out), "--screenshot", str(shots), "--now", NOW.isoformat()],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for stem in STEMS:
        assert f"{stem}: to " in result.stdout
        for suffix in (".html", ".txt", ".eml"):
            assert (out / f"{stem}{suffix}").stat().st_size > 500, stem + suffix
        png = shots / f"{stem}.png"
        size = png_size(png)
        # The whole page (no longer a fixed 1024x1400 window), within the 20,000 px bound.
        assert size.width == 1024 and 0 < size.height <= 20_000
        line = next(x for x in result.stdout.splitlines() if x.startswith(f"{stem}: to "))
        assert line.endswith(f", screenshot 1024x{size.height}"), line
        assert png.stat().st_size > 20_000
        msg = email.message_from_bytes(
            (out / f"{stem}.eml").read_bytes(), policy=email.policy.default
        )
        assert msg.get_content_type() == "multipart/alternative"
    # A dry run records and sends nothing.
    with sessions() as session:
        assert session.query(DigestSend).count() == 0
        assert session.query(OutboxRow).filter(OutboxRow.kind == "digest").count() == 0
    engine.dispose()


def test_dry_run_needs_an_output_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mailrouter", "digest", "send", "--dry-run"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "--dry-run needs --out DIR" in result.stderr
