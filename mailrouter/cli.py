"""The `mailrouter` command: a thin Click front that hands each command an ``App``.

Every subcommand lives in ``mailrouter/commands/``; this module only wires them
together and turns ``MailrouterError`` into a clear message and exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mailrouter import __version__
from mailrouter.app import App
from mailrouter.commands import (
    audit_cmd,
    config_cmd,
    contact_cmd,
    db_cmd,
    demo_cmd,
    digest_cmd,
    flags_cmd,
    ingest_cmd,
    models,
    outbox_cmd,
    register_cmd,
    replies_cmd,
    report_cmd,
    retention_cmd,
    routing_cmd,
    run_cmd,
    web_cmd,
)
from mailrouter.errors import ConfigError, MailrouterError

COMMANDS: tuple[click.Command, ...] = (
    run_cmd.run,
    demo_cmd.demo,
    config_cmd.check_config,
    db_cmd.db,
    ingest_cmd.ingest,
    ingest_cmd.status,
    ingest_cmd.quarantine_group,
    register_cmd.register,
    audit_cmd.audit,
    routing_cmd.explain,
    routing_cmd.diverted,
    flags_cmd.flags,
    replies_cmd.replies,
    contact_cmd.contact,
    outbox_cmd.outbox,
    models.models,
    digest_cmd.digest,
    report_cmd.report,
    web_cmd.web,
    retention_cmd.retention,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


for command in COMMANDS:
    cli.add_command(command)


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
