"""`mailrouter demo`, the README's first command, runs end to end and exits 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mailrouter.testing.servers import Dovecot

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_and_reports(dovecot: Dovecot, tmp_path: Path) -> None:
    # The shared `dovecot` fixture only proves Dovecot is installed: the demo starts its own.
    result = subprocess.run(
        [sys.executable, "-m", "mailrouter", "demo", "--dir", str(tmp_path / "demo")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("verdict: divert") == 2
    assert "verdict: deliver-and-copy" in out
    assert "dormant case, contact has recommenced" in out
    assert "URGENT (MC-" in out and "Threat of violence" in out
    assert "[Managed contact MC-" in out
    assert (tmp_path / "demo" / "mailrouter.sqlite3").exists()
