"""`mailrouter digest send`: render and send the SPOC daily digests and the IG summary."""

from __future__ import annotations

import asyncio
import os
import socket
from datetime import UTC, date, datetime
from pathlib import Path

import click

from mailrouter.app import App
from mailrouter.config import Settings
from mailrouter.digest import days
from mailrouter.digest.compose import digest_message
from mailrouter.digest.performer import DigestPerformer, utcnow
from mailrouter.digest.send import Outgoing, build, send_day
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.render.browser import BrowserError, full_page_screenshot
from mailrouter.store import db

SCREEN_WIDTH = 1024
# Whole pages are captured; a PNG taller than this is cut, and the output says so.
MAX_SCREEN_HEIGHT = 20_000


@click.group()
def digest() -> None:
    """SPOC daily digests and the IG daily summary."""


def _instant(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}") from exc
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-03-02T08:00+00:00")
    return moment


@digest.command("send")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The digests' local date (default: today in the council's zone).",
)
@click.option(
    "--spoc",
    "spoc_ids",
    multiple=True,
    help="Only this SPOC's digest (repeatable); leaves out the IG summary.",
)
@click.option(
    "--ig/--no-ig",
    "include_ig",
    default=None,
    help="Include the IG summary (default: yes, unless --spoc is given).",
)
@click.option(
    "--dry-run", is_flag=True, help="Render to files in --out instead of recording and sending."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --dry-run: where the .html, .txt and .eml files go.",
)
@click.option(
    "--screenshot",
    "shots",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --dry-run: save a full-page PNG of each digest here (Chromium; cut at 20,000 px).",
)
@click.option(
    "--now", "now_text", default=None, help="Act as if it were this ISO 8601 instant (testing)."
)
@click.pass_obj
def send(
    app: App,
    *,
    day: datetime | None,
    spoc_ids: tuple[str, ...],
    include_ig: bool | None,
    dry_run: bool,
    out: Path | None,
    shots: Path | None,
    now_text: str | None,
) -> None:
    """Record and send DATE's digests, each once per recipient per day; or render them."""
    settings = app.settings()
    now = _instant(now_text)
    local = day.date() if day is not None else days.local_day(now, settings)
    unknown = sorted(set(spoc_ids) - {s.id for s in settings.spocs})
    if unknown:
        raise click.BadParameter(f"no such SPOC in the config: {', '.join(unknown)}")
    ig = include_ig if include_ig is not None else not spoc_ids
    wanted = list(spoc_ids) or None
    if dry_run:
        if out is None:
            raise click.UsageError("--dry-run needs --out DIR")
        _dry_run(
            app,
            settings,
            local=local,
            now=now,
            spoc_ids=wanted,
            include_ig=ig,
            out=out,
            shots=shots,
        )
        return
    if out is not None or shots is not None:
        raise click.UsageError("--out and --screenshot go with --dry-run")
    if not days.is_digest_day(local, settings):
        click.echo(f"Note: {local.isoformat()} is not a working day; sending as asked.")
    report = send_day(app.sessions(), settings, day=local, now=now, spoc_ids=wanted, include_ig=ig)
    for key in report.recorded:
        click.echo(f"recorded {key}")
    for key in report.already:
        click.echo(f"already recorded today: {key}")
    for spoc in report.empty:
        click.echo(f"nothing to send for {spoc}")
    sent = asyncio.run(_perform(app, settings, now if now_text else None))
    click.echo(f"{len(report.recorded)} digest(s) recorded, {sent} sent.")


async def _perform(app: App, settings: Settings, fixed: datetime | None) -> int:
    """Send every digest row due now (including any earlier run left unsent)."""
    total = 0
    async with SmtpTransport(settings.smtp) as transport:
        performer = DigestPerformer(
            sessions=app.sessions(),
            transport=transport,
            settings=settings,
            worker_id=f"{socket.gethostname()}:{os.getpid()}",
            clock=(lambda: fixed) if fixed is not None else utcnow,
        )
        while (claimed := await performer.run_once()) > 0:
            total += claimed
    return total


def _dry_run(
    app: App,
    settings: Settings,
    *,
    local: date,
    now: datetime,
    spoc_ids: list[str] | None,
    include_ig: bool,
    out: Path,
    shots: Path | None,
) -> None:
    with db.transaction(app.sessions()) as session:
        items, empty = build(
            session, settings, day=local, now=now, spoc_ids=spoc_ids, include_ig=include_ig
        )
    out.mkdir(parents=True, exist_ok=True)
    for item in items:
        stem = _stem(item)
        html = out / f"{stem}.html"
        html.write_text(item.rendered.html, encoding="utf-8")
        (out / f"{stem}.txt").write_text(item.rendered.text, encoding="utf-8")
        raw, _ = digest_message(
            item.rendered,
            key=item.key,
            from_address=settings.smtp.from_address,
            council_name=settings.general.council_name,
            to_name=item.to_name,
            to_address=item.to_address,
            date=now,
        )
        (out / f"{stem}.eml").write_bytes(raw)
        line = f"{stem}: to {item.to_address}, {item.items} item(s)"
        if shots is not None:
            try:
                shot = full_page_screenshot(
                    html, shots / f"{stem}.png", width=SCREEN_WIDTH, max_height=MAX_SCREEN_HEIGHT
                )
            except BrowserError as exc:
                raise click.ClickException(f"screenshot of {stem} failed: {exc}") from exc
            line += f", screenshot {shot.size.width}x{shot.size.height}"
            if shot.cut:
                line += (
                    f" (cut at {MAX_SCREEN_HEIGHT:,} px of a {shot.page_height:,} px page;"
                    " the .html is whole)"
                )
        click.echo(line)
    for spoc in empty:
        click.echo(f"nothing to send for {spoc}")


def _stem(item: Outgoing) -> str:
    # SPOC ids come from the operator's config; keep file names to safe characters anyway.
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in item.recipient_id)
    return f"{item.day.isoformat()}-{item.kind}-{safe}"
