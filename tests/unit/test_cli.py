"""The command line: every command is found, and none is imported before it is used."""

from __future__ import annotations

import subprocess
import sys

import click

from mailrouter.cli import COMMANDS, cli


def test_every_command_resolves_to_itself() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(ctx, "no-such-command") is None


def test_starting_the_cli_imports_no_command() -> None:
    # A fresh interpreter: importing the CLI loads neither a command nor scikit-learn.
    code = (
        "import sys, mailrouter.cli; "
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('mailrouter.commands.', 'sklearn'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip() == "[]"
