"""`mailrouter digest`: render and send the SPOC daily digests and the IG summary."""

from __future__ import annotations

import click


@click.group()
def digest() -> None:
    """SPOC daily digests and the IG daily summary."""
