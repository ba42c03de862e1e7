"""The store on both backends: migrations, the start-up check, and the outbox's guarantees."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.errors import StoreError
from mailrouter.store import db, outbox
from mailrouter.store.models import OutboxRow, OutboxState

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_history_is_linear() -> None:
    script = ScriptDirectory(str(db.MIGRATIONS))
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    revisions = list(script.walk_revisions())
    assert all(not isinstance(r.down_revision, tuple) for r in revisions), "no merge points"


def test_upgrade_is_idempotent_and_required(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        with pytest.raises(StoreError, match="run `mailrouter db upgrade`"):
            db.require_current(engine)
        before, after = db.upgrade(engine)
        assert before is None
        assert after == db.head_revision()
        assert db.upgrade(engine) == (after, after)
        db.require_current(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"outbox", "messages", "raw_messages", "message_addresses"} <= tables
    finally:
        engine.dispose()


def test_postgresql_compresses_raw_bytes_with_lz4_where_it_can(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    try:
        db.upgrade(engine)
        with engine.connect() as conn:
            has_lz4 = conn.exec_driver_sql(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'"
            ).scalar()
            method = conn.exec_driver_sql(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'raw_messages'::regclass AND attname = 'data'"
            ).scalar()
        # 'l': lz4; '' (or NUL): the server's default, pglz, where lz4 was not built in.
        assert method == "l" if has_lz4 else method in ("", "\x00")
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path}/x.sqlite3")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def _enqueue(sessions: sessionmaker[Session], key: str, **kw: object) -> bool:
    with db.transaction(sessions) as s:
        return outbox.enqueue(s, key=key, kind="test", payload={"n": key}, now=T0, **kw)  # type: ignore[arg-type]


def test_enqueue_is_idempotent(sessions: sessionmaker[Session]) -> None:
    assert _enqueue(sessions, "forward:1:spoc") is True
    assert _enqueue(sessions, "forward:1:spoc") is False
    with sessions() as s:
        assert s.scalars(select(OutboxRow)).all()[0].payload == {"n": "forward:1:spoc"}
        assert len(s.scalars(select(OutboxRow)).all()) == 1


def test_claim_lease_and_complete(sessions: sessionmaker[Session]) -> None:
    for i in range(5):
        _enqueue(sessions, f"k{i}")
    _enqueue(sessions, "later", not_before=T0 + timedelta(hours=1))
    with db.transaction(sessions) as s:
        first = outbox.claim(s, worker="a", now=T0, limit=3)
    with db.transaction(sessions) as s:
        second = outbox.claim(s, worker="b", now=T0, limit=10)
    assert [r.idempotency_key for r in first] == ["k0", "k1", "k2"]
    assert [r.idempotency_key for r in second] == ["k3", "k4"], "not-yet-due row stays"
    with db.transaction(sessions) as s:
        assert outbox.complete(s, first[0].id, worker="a", now=T0)
        assert not outbox.complete(s, first[1].id, worker="b", now=T0), "not b's lease"


def test_expired_lease_is_reclaimed_and_old_holder_cannot_finish(
    sessions: sessionmaker[Session],
) -> None:
    _enqueue(sessions, "k")
    with db.transaction(sessions) as s:
        (row,) = outbox.claim(s, worker="dead", now=T0, lease=timedelta(minutes=1))
    with db.transaction(sessions) as s:
        assert outbox.claim(s, worker="b", now=T0 + timedelta(seconds=30)) == []
        (again,) = outbox.claim(s, worker="b", now=T0 + timedelta(minutes=2))
    assert again.id == row.id
    assert again.attempts == 2
    with db.transaction(sessions) as s:
        assert not outbox.complete(s, row.id, worker="dead", now=T0)
        assert outbox.complete(s, row.id, worker="b", now=T0)


def test_retry_backs_off_then_parks(sessions: sessionmaker[Session]) -> None:
    _enqueue(sessions, "k")
    now = T0
    state = OutboxState.pending
    for _ in range(outbox.MAX_ATTEMPTS):
        with db.transaction(sessions) as s:
            rows = outbox.claim(s, worker="w", now=now)
            assert len(rows) == 1
            state = outbox.retry(s, rows[0], worker="w", now=now, error="451 try later")
        now += outbox.MAX_BACKOFF + timedelta(seconds=1)
    assert state is OutboxState.parked
    with sessions() as s:
        row = s.scalars(select(OutboxRow)).one()
        assert row.state is OutboxState.parked
        assert row.last_error is not None and "451" in row.last_error
    with db.transaction(sessions) as s:
        assert outbox.requeue(s, row.id, now=now)
        assert outbox.claim(s, worker="w", now=now)[0].attempts == 1


def test_backoff_grows_and_is_capped() -> None:
    rng = random.Random(1)
    delays = [outbox.backoff(n, rng) for n in range(1, 20)]
    assert delays[0] <= outbox.BASE_BACKOFF
    assert delays[4] > outbox.BASE_BACKOFF * 4
    assert max(delays) <= outbox.MAX_BACKOFF


def test_concurrent_claims_never_share_a_row(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """Two workers claiming at once (threads, separate connections) get disjoint rows."""
    for i in range(200):
        _enqueue(sessions, f"k{i}")
    claimed: dict[str, list[int]] = {"a": [], "b": []}

    def worker(name: str) -> None:
        while True:
            with db.transaction(sessions) as s:
                rows = outbox.claim(s, worker=name, now=T0, limit=7)
            if not rows:
                return
            claimed[name].extend(r.id for r in rows)

    threads = [threading.Thread(target=worker, args=(n,)) for n in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(claimed["a"]) & set(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == 200


def test_leases_of_dead_workers_on_this_host_are_released(sessions: sessionmaker[Session]) -> None:
    for key in ("a", "b", "c"):
        _enqueue(sessions, key)
    with db.transaction(sessions) as s:
        outbox.claim(s, worker="host1:111", now=T0, limit=1)
        outbox.claim(s, worker="host1:222", now=T0, limit=1)
        outbox.claim(s, worker="host2:111", now=T0, limit=1)
    with db.transaction(sessions) as s:
        freed = outbox.release_dead_leases(s, "host1", alive=lambda pid: pid == 222)
    assert freed == 1
    with sessions() as s:
        states = dict(s.execute(select(OutboxRow.idempotency_key, OutboxRow.state)).all())
    assert states == {"a": OutboxState.pending, "b": OutboxState.leased, "c": OutboxState.leased}
