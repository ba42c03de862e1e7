from __future__ import annotations

import asyncio
import logging

import pytest

from mailrouter.loops import run_until_stopped


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
