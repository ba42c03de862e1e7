"""`mailrouter report`: governance reports for IG and managers."""

from __future__ import annotations

import click


@click.group()
def report() -> None:
    """Governance reports (quarterly, CSV and HTML)."""
