"""Options shared by commands."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def default_actor() -> str:
    return os.environ.get("MAILROUTER_ACTOR") or getpass.getuser()


def actor_option(func: F) -> F:
    """``--actor NAME``: who is doing this, for the audit trail."""
    return click.option(
        "--actor",
        default=default_actor,
        show_default="$MAILROUTER_ACTOR or your login name",
        help="Who is doing this (recorded in the audit trail).",
    )(func)
