"""Headless Chromium: HTML files to PNG screenshots, or to the DOM after scripts ran.

Used by ``mailrouter digest send --dry-run --screenshot`` and by the tests that
check rendered digests and reports in a real browser. Chromium's own
``--screenshot`` captures only the window, so the full page is taken through
the DevTools protocol over ``--remote-debugging-pipe`` (no port is opened):
load, read the content height, size the viewport to it (bounded), capture.
Each call starts its own
Chromium with a fresh profile directory, loopback-only networking switched off
as far as flags allow, and a timeout; on timeout only the process group that
call started is killed.

API (stable):

- ``find_chromium() -> Path | None``: ``/usr/bin/chromium`` or ``chromium`` on PATH.
- ``chromium_available() -> bool``.
- ``screenshot(html, png, *, width=1280, height=1024, timeout=60.0) -> PngSize``
- ``full_page_screenshot(html, png, *, width=1024, max_height=20000, timeout=60.0)
  -> FullPage``: the whole page at ``width``, cut at ``max_height`` (``cut`` says so).
- ``dump_dom(html, *, width=1280, height=1024, timeout=60.0) -> str``
- ``png_size(path) -> PngSize``: the width and height in a PNG's header.
- ``BrowserError``: Chromium is missing, failed, timed out or wrote nothing.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True, slots=True)
class FullPage:
    size: PngSize
    page_height: int  # the whole page's height in CSS pixels
    cut: bool  # True when the page was taller than the bound and the PNG stops there


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


def full_page_screenshot(
    html: Path,
    png: Path,
    *,
    width: int = 1024,
    max_height: int = 20_000,
    timeout: float = 60.0,
) -> FullPage:
    """Save the whole of ``html`` at ``width`` as a PNG, at most ``max_height`` pixels tall."""
    if not html.is_file():
        raise BrowserError(f"no such file: {html}")
    png.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        png.unlink()
    with _DevTools(timeout, html.name) as tools:
        page = tools.open_page()
        tools.call("Page.enable", session=page)
        metrics = {"width": width, "deviceScaleFactor": 1, "mobile": False}
        # A short first viewport, so the content height measured is the page's own.
        tools.call("Emulation.setDeviceMetricsOverride", {**metrics, "height": 100}, page)
        tools.call("Page.navigate", {"url": html.resolve().as_uri()}, page)
        tools.wait_for("Page.loadEventFired", page)
        layout = tools.call("Page.getLayoutMetrics", session=page)
        content = layout.get("cssContentSize") or layout.get("contentSize") or {}
        page_height = max(1, math.ceil(float(content.get("height", 1))))
        height = min(page_height, max_height)
        tools.call("Emulation.setDeviceMetricsOverride", {**metrics, "height": height}, page)
        shot = tools.call("Page.captureScreenshot", {"format": "png"}, page)
    data = base64.b64decode(str(shot.get("data", "")))
    if not data.startswith(PNG_SIGNATURE):
        raise BrowserError(f"chromium returned no screenshot for {html.name}")
    png.write_bytes(data)
    return FullPage(png_size(png), page_height, page_height > max_height)


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


class _DevTools:
    """One headless Chromium driven over the DevTools pipe (JSON messages ending in NUL).

    Chromium reads commands on fd 3 and writes replies and events on fd 4; a
    shell maps them from our stdin/stdout pipes (``sh`` handles only one-digit
    descriptors, and this avoids a ``preexec_fn``). Every read has a deadline.
    """

    def __init__(self, timeout: float, name: str) -> None:
        self.deadline = time.monotonic() + timeout
        self.timeout, self.name = timeout, name
        self.buffer = b""
        self.next_id = 0
        self.profile = tempfile.TemporaryDirectory(prefix="mailrouter-chromium-")
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _DevTools:
        exe = find_chromium()
        if exe is None:
            self.profile.cleanup()
            raise BrowserError("chromium is not installed (Debian: apt-get install chromium)")
        profile = self.profile.name
        argv = [
            "/bin/sh",
            "-c",
            'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null',
            "sh",
            str(exe),
            *BASE_FLAGS,
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # Own session, so the end of the call stops Chromium's helpers with it (and nothing else).
        self.proc = subprocess.Popen(  # noqa: S603 - fixed executable, our own arguments
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=profile,
            start_new_session=True,
            env={**os.environ, "HOME": profile},
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            _kill_group(self.proc)
        self.profile.cleanup()

    def open_page(self) -> str:
        target = self.call("Target.createTarget", {"url": "about:blank"})
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        return str(attached["sessionId"])

    def call(
        self, method: str, params: dict[str, object] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        self.next_id += 1
        message: dict[str, object] = {"id": self.next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        try:
            self.proc.stdin.write(json.dumps(message).encode() + b"\0")
            self.proc.stdin.flush()
        except OSError as exc:
            raise BrowserError(f"chromium went away during {method} on {self.name}") from exc
        wanted = self.next_id
        reply = self._until(lambda m: m.get("id") == wanted, method)
        if "error" in reply:
            raise BrowserError(f"chromium refused {method} on {self.name}: {reply['error']}")
        result = reply.get("result")
        return result if isinstance(result, dict) else {}

    def wait_for(self, event: str, session: str) -> None:
        self._until(lambda m: m.get("method") == event and m.get("sessionId") == session, event)

    def _until(self, wanted: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout.fileno()
        while True:
            while b"\0" in self.buffer:
                raw, _, self.buffer = self.buffer.partition(b"\0")
                message = json.loads(raw)
                if isinstance(message, dict) and wanted(message):
                    return message
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([out], [], [], left)[0]:
                raise BrowserError(
                    f"chromium timed out after {self.timeout:g}s ({what}) on {self.name}"
                )
            chunk = os.read(out, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium exited during {what} on {self.name}")
            self.buffer += chunk


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group this call started (Chromium forks helpers into it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=5)
