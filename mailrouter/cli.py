"""The `mailrouter` command: a thin Click front that hands each command an ``App``.

Every subcommand lives in ``mailrouter/commands/``; this module only names them
(imported when used) and turns ``MailrouterError`` into a clear message and exit
code 1.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from mailrouter import __version__
from mailrouter.app import App
from mailrouter.errors import ConfigError, MailrouterError

# Each command's module and attribute under ``mailrouter/commands/``, imported only when
# the command runs or help lists it: importing them all (scikit-learn, the web console,
# the demo's servers) took 2-3 s before even ``mailrouter status`` could start, and the
# daemon's parsing process, forked from a server that imports this module, waited too.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run_cmd", "run"),
    "demo": ("demo_cmd", "demo"),
    "check-config": ("config_cmd", "check_config"),
    "db": ("db_cmd", "db"),
    "ingest": ("ingest_cmd", "ingest"),
    "status": ("ingest_cmd", "status"),
    "quarantine": ("ingest_cmd", "quarantine_group"),
    "register": ("register_cmd", "register"),
    "audit": ("audit_cmd", "audit"),
    "explain": ("routing_cmd", "explain"),
    "diverted": ("routing_cmd", "diverted"),
    "flags": ("flags_cmd", "flags"),
    "replies": ("replies_cmd", "replies"),
    "contact": ("contact_cmd", "contact"),
    "outbox": ("outbox_cmd", "outbox"),
    "models": ("models", "models"),
    "digest": ("digest_cmd", "digest"),
    "report": ("report_cmd", "report"),
    "web": ("web_cmd", "web"),
    "retention": ("retention_cmd", "retention"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when first needed (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module = importlib.import_module(f"mailrouter.commands.{target[0]}")
        command = getattr(module, target[1])
        if not isinstance(command, click.Command) or command.name != cmd_name:
            raise RuntimeError(f"mailrouter.commands.{target[0]}.{target[1]} is not {cmd_name!r}")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MAILROUTER_CONFIG",
    help="Config file (default: config/mailrouter.toml if present, else built-in defaults).",
)
@click.version_option(__version__, prog_name="mailrouter")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """mailrouter applies your council's Managed Contact Policy to e-mail.

    It watches council mailboxes, diverts stage 2 customers' mail to their
    single point of contact, never delays statutory requests or safety
    concerns, and keeps the managed contact register honest.
    """
    app = App(config_path=config_path)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo("The configuration has problems:", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(2)
    except MailrouterError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
