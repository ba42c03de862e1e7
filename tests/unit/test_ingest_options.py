"""The [ingest] section: loaded into the watcher's options, bad values named by key."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from mailrouter import config
from mailrouter.errors import ConfigError
from mailrouter.watch import WatchOptions

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "mailrouter.example.toml"


def test_defaults_match_the_watchers_own() -> None:
    # All but the parsing processes: the daemon runs one where there is a second core,
    # while the watcher's own options (for tests and tools) parse in-thread.
    daemon = WatchOptions.from_settings(config.IngestSettings())
    assert replace(daemon, parse_processes=0) == WatchOptions()
    assert daemon.parse_processes == (1 if (os.cpu_count() or 1) >= 2 else 0)


def test_the_example_documents_every_ingest_key() -> None:
    settings = config.load(EXAMPLE, environ={})
    assert WatchOptions.from_settings(settings.ingest) == WatchOptions.from_settings(
        config.IngestSettings()
    )
    text = EXAMPLE.read_text()
    for key in config.IngestSettings.__dataclass_fields__:
        # A key whose default depends on the machine is shown commented out, with it.
        assert f"\n{key} = " in text or f"\n# {key} = " in text, key


def test_values_reach_the_watcher() -> None:
    settings = config.loads(
        "[ingest]\nworkers = 3\nbatch_messages = 50\nbatch_bytes = 1048576\n"
        "resync_limit = 200\nidle_renew_minutes = 9.5\nbackoff_base_seconds = 0.5\n"
        "backoff_max_seconds = 30\nparse_processes = 1\n",
        environ={},
    )
    options = WatchOptions.from_settings(settings.ingest)
    assert options == WatchOptions(
        workers=3,
        batch_messages=50,
        batch_bytes=1_048_576,
        resync_limit=200,
        idle_renew=timedelta(minutes=9.5),
        backoff_base_seconds=0.5,
        backoff_max_seconds=30.0,
        parse_processes=1,
    )


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[ingest]\nworkers = 0\n", "ingest.workers: must be positive"),
        ("[ingest]\nbatch_messages = -1\n", "ingest.batch_messages: must be positive"),
        ("[ingest]\nbatch_bytes = 0\n", "ingest.batch_bytes: must be positive"),
        ("[ingest]\nresync_limit = 0\n", "ingest.resync_limit: must be positive"),
        ("[ingest]\nidle_renew_minutes = 30\n", "ingest.idle_renew_minutes: must be above 0"),
        ("[ingest]\nidle_renew_minutes = 0\n", "ingest.idle_renew_minutes: must be above 0"),
        ("[ingest]\nbackoff_base_seconds = 0\n", "ingest.backoff_base_seconds: must be positive"),
        (
            "[ingest]\nbackoff_base_seconds = 10\nbackoff_max_seconds = 5\n",
            "ingest.backoff_max_seconds: cannot be below backoff_base_seconds",
        ),
        ("[ingest]\nparse_processes = -1\n", "ingest.parse_processes: cannot be negative"),
        ('[ingest]\nworkers = "many"\n', "ingest.workers"),
        ("[ingest]\nidle_renewal = 5\n", "ingest.idle_renewal"),
        (
            '[[mailboxes]]\nname = "a"\nusername = "a"\npassword_env = "P"\npoll_seconds = 0\n',
            "mailboxes[0].poll_seconds: must be positive",
        ),
    ],
)
def test_a_bad_value_is_named(toml: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.loads(toml, environ={"P": "x"})
    assert expected in "\n".join(caught.value.problems)
