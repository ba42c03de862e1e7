"""The ingester as a process of its own: `python -m tests.e2e.ingest_child CONFIG`.

It does what `mailrouter ingest` does (load the config, check the schema, watch
every mailbox until SIGTERM), with small batches so that a kill lands between
many commits.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from mailrouter import logs
from mailrouter.app import App
from mailrouter.ingest_runner import run_ingest
from mailrouter.watch import WatchOptions

OPTIONS = WatchOptions(
    workers=4, batch_messages=5, backoff_base_seconds=0.05, backoff_max_seconds=0.5
)


async def main(config: Path) -> None:
    app = App(config_path=config)
    settings = app.settings()
    logs.configure("WARNING", "text")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await run_ingest(settings, app.sessions(), stop, options=OPTIONS)
    finally:
        app.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
