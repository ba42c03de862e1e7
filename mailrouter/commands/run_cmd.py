"""`mailrouter run`: the daemon, or one pass over whatever is pending with `--once`."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType

import click

from mailrouter.app import App


@click.command("run")
@click.option("--once", is_flag=True, help="Process what is pending now, then exit.")
@click.pass_obj
def run(app: App, once: bool) -> None:
    """Watch the mailboxes, divert, alert and send until stopped (SIGTERM finishes cleanly)."""
    if not once:
        # A stop asked for while starting (loading the daemon's code, checking the
        # database: nothing has been done yet) ends the process at once, cleanly (status
        # 0, not killed by the signal); the running daemon then installs its own handlers.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _exit_cleanly)
    # Imported after the handlers are in place: the daemon's code takes a while to load.
    from mailrouter import daemon, logs  # noqa: PLC0415

    settings = app.settings()
    logs.configure(settings.logging.level, settings.logging.format)
    # Refuses an un-migrated database before anything starts.
    sessions = app.sessions()
    if once:
        # A one-shot run also does the daily jobs due now (releases, today's digests), once.
        summary = asyncio.run(daemon.run_once(settings, sessions, due_jobs=True))
        routing = summary.routing
        click.echo(
            f"Stored {summary.stored} new message(s); decided {routing.routed} "
            f"({routing.diverted} diverted or copied, {routing.recorded} recorded, "
            f"{routing.failed} quarantined); recorded {summary.digests} digest(s); "
            f"performed {summary.effects} effect(s)."
        )
        return

    async def main() -> None:
        stop = asyncio.Event()
        daemon.install_signal_handlers(stop)
        config_path = str(app.config_path) if app.config_path else None
        await daemon.run_forever(settings, sessions, stop, config_path=config_path)

    asyncio.run(main())


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
