"""The loop every long-running worker shares: do a batch, idle when there was none.

A failing batch (the database or a server down) must not end the worker: the
outage is logged once, the worker keeps trying, and its recovery is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def run_until_stopped(
    step: Callable[[], Awaitable[int]],
    stop: asyncio.Event,
    *,
    idle_seconds: float,
    name: str,
    worker: str,
) -> None:
    """Call ``step`` (returning how much it did) until ``stop``; the batch in hand finishes."""
    outage = False
    while not stop.is_set():
        try:
            count = await step()
        except Exception:
            if not outage:
                log.exception("%s.batch_failed worker=%s", name, worker)
            outage, count = True, 0
        else:
            if outage:
                log.info("%s.recovered worker=%s", name, worker)
            outage = False
        if count == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), idle_seconds)
