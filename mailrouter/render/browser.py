"""Headless Chromium: HTML files to PNG screenshots, or to the DOM after scripts ran.

Used by ``mailrouter digest send --dry-run --screenshot`` and by the tests that
check rendered digests and reports in a real browser. Each call starts its own
Chromium with a fresh profile directory, loopback-only networking switched off
as far as flags allow, and a timeout; on timeout only the process group that
call started is killed.

API (stable):

- ``find_chromium() -> Path | None``: ``/usr/bin/chromium`` or ``chromium`` on PATH.
- ``chromium_available() -> bool``.
- ``screenshot(html, png, *, width=1280, height=1024, timeout=60.0) -> PngSize``
- ``dump_dom(html, *, width=1280, height=1024, timeout=60.0) -> str``
- ``png_size(path) -> PngSize``: the width and height in a PNG's header.
- ``BrowserError``: Chromium is missing, failed, timed out or wrote nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_PATHS = ("/usr/bin/chromium",)
CHROMIUM_NAMES = ("chromium", "chromium-browser")

# Flags that keep a headless run quiet, offline and reproducible.
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--proxy-server=127.0.0.1:9",  # nothing may be fetched from outside
    "--proxy-bypass-list=<-loopback>",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BrowserError(RuntimeError):
    """Chromium is missing, failed, timed out or produced nothing."""


@dataclass(frozen=True, slots=True)
class PngSize:
    width: int
    height: int


def find_chromium() -> Path | None:
    """The Chromium executable, or None when it is not installed."""
    for candidate in CHROMIUM_PATHS:
        if os.access(candidate, os.X_OK):
            return Path(candidate)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def chromium_available() -> bool:
    return find_chromium() is not None


def screenshot(
    html: Path, png: Path, *, width: int = 1280, height: int = 1024, timeout: float = 60.0
) -> PngSize:
    """Render ``html`` (a file) at ``width`` x ``height`` and save a PNG at ``png``."""
    png.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        png.unlink()
    _run(
        (f"--screenshot={png.resolve()}", f"--window-size={width},{height}"),
        html,
        timeout,
    )
    if not png.is_file() or png.stat().st_size == 0:
        raise BrowserError(f"chromium wrote no screenshot for {html.name}")
    return png_size(png)


def dump_dom(html: Path, *, width: int = 1280, height: int = 1024, timeout: float = 60.0) -> str:
    """The serialised DOM of ``html`` after its scripts ran (none of ours are added)."""
    # The virtual time budget lets timers and onload handlers run before the dump.
    out = _run(
        ("--dump-dom", f"--window-size={width},{height}", "--virtual-time-budget=2000"),
        html,
        timeout,
    )
    if "<html" not in out.lower():
        raise BrowserError(f"chromium returned no DOM for {html.name}")
    return out


def png_size(path: Path) -> PngSize:
    """Width and height from a PNG's IHDR chunk; BrowserError if it is not a PNG."""
    head = path.read_bytes()[:24]
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        raise BrowserError(f"{path.name} is not a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return PngSize(width, height)


def _run(flags: tuple[str, ...], html: Path, timeout: float) -> str:
    exe = find_chromium()
    if exe is None:
        raise BrowserError("chromium is not installed (Debian: apt-get install chromium)")
    if not html.is_file():
        raise BrowserError(f"no such file: {html}")
    with tempfile.TemporaryDirectory(prefix="mailrouter-chromium-") as profile:
        argv = [
            str(exe),
            *BASE_FLAGS,
            f"--user-data-dir={profile}",
            *flags,
            html.resolve().as_uri(),
        ]
        # Own session, so a timeout can stop Chromium's helpers with it (and nothing else).
        proc = subprocess.Popen(  # noqa: S603 - fixed executable, our own arguments
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=profile,
            start_new_session=True,
            env={**os.environ, "HOME": profile},
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise BrowserError(f"chromium timed out after {timeout:g}s on {html.name}") from exc
        finally:
            _kill_group(proc)
        if proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise BrowserError(f"chromium exited with {proc.returncode}: {' | '.join(tail)}")
        return out.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group this call started (Chromium forks helpers into it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=5)
