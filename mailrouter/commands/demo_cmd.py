"""`mailrouter demo`: see the whole daemon work on sample data, with local servers."""

from __future__ import annotations

from pathlib import Path

import click

from mailrouter.demo.runner import run_demo
from mailrouter.testing.servers import ServerUnavailable


@click.command("demo")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var/demo"),
    show_default=True,
    help="Where the demo's database and config go (replaced on each run).",
)
def demo(folder: Path) -> None:
    """Start local mail servers, load a sample register and mail, run once, report."""
    try:
        undecided = run_demo(folder, click.echo)
    except ServerUnavailable as exc:
        raise click.ClickException(f"the demo needs a local mail server: {exc}") from exc
    if undecided:
        raise click.ClickException(f"{undecided} sample message(s) were not decided")
