from __future__ import annotations

import asyncio
import logging

import pytest

from mailrouter import daemon
from mailrouter.loops import run_until_stopped
from mailrouter.routing import RoutingStats


def test_outage_logged_once_then_recovery_and_stop(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    async def main() -> None:
        stop = asyncio.Event()

        async def step() -> int:
            calls.append(1)
            if len(calls) <= 3:
                raise RuntimeError("database down")
            if len(calls) >= 6:
                stop.set()
            return 1

        await asyncio.wait_for(
            run_until_stopped(step, stop, idle_seconds=0.01, name="test", worker="w"), 5
        )

    with caplog.at_level(logging.INFO, logger="mailrouter.loops"):
        asyncio.run(main())
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("test.batch_failed worker=w") == 1
    assert messages.count("test.recovered worker=w") == 1
    assert len(calls) == 6


def test_routing_loop_survives_a_failed_pass() -> None:
    """Before it used the shared loop, one failed routing pass ended the whole daemon."""
    passes: list[int] = []

    class FlakyRouter:
        def route_pending(self, sessions: object, now: object) -> RoutingStats:
            passes.append(1)
            if len(passes) == 1:
                raise RuntimeError("database is locked")
            if len(passes) >= 3:
                stop.set()
            return RoutingStats(routed=1)

    stop = asyncio.Event()
    asyncio.run(
        asyncio.wait_for(
            daemon._route_loop(FlakyRouter(), None, stop, lambda: None),  # type: ignore[arg-type]
            5,
        )
    )
    assert len(passes) >= 3
