"""One retention run: messages in batches, then per-sender rows, then one audit row.

A dry run reads and decides exactly as a real run does and writes nothing; the
raw bytes it reports are the hashes no remaining message would use.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.register import audit
from mailrouter.retention import guards, messages, senders
from mailrouter.retention.rules import (
    KEEP_REASONS,
    PURGE_CATEGORIES,
    Cutoffs,
    decide,
)

log = logging.getLogger(__name__)

ACTION = "retention.run"
# Files of hashes erased this recently are removed again, in case a run died between
# its commit and the removal.
FILE_SWEEP = timedelta(days=7)

Progress = Callable[[int], None]


@dataclass(slots=True)
class Summary:
    dry_run: bool
    purged: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    raw_erased: int = 0
    files_removed: int = 0
    # Live messages stored again after their bytes were erased: they have none.
    bytes_missing: int = 0
    sender_rows: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "purged": {k: self.purged[k] for k in PURGE_CATEGORIES},
            "kept": {k: self.kept[k] for k in KEEP_REASONS},
            "raw_erased": self.raw_erased,
            "files_removed": self.files_removed,
            "bytes_missing": self.bytes_missing,
            "sender_rows": dict(self.sender_rows),
        }


def estimate(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    cutoffs = Cutoffs.at(now, settings.retention, settings.tz)
    with sessions() as session:
        return messages.count_candidates(session, cutoffs)


def run(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime,
    dry_run: bool = False,
    actor: str = "retention",
    progress: Progress | None = None,
) -> Summary:
    cutoffs = Cutoffs.at(now, settings.retention, settings.tz)
    summary = Summary(dry_run)
    going: Counter[str] = Counter()
    files = _file_root(settings)
    for scan in messages.SCANS:
        after: tuple[datetime, int] | None = None
        while True:
            with sessions() as session, session.begin():
                rows = scan.batch(
                    session, cutoffs, after, settings.retention.batch_size, lock=not dry_run
                )
                if not rows:
                    break
                after = scan.key(rows[-1])
                erased = _one_batch(
                    session,
                    rows,
                    settings=settings,
                    cutoffs=cutoffs,
                    summary=summary,
                    going=going,
                    now=now,
                )
            if files is not None and erased:
                with sessions() as session:
                    erased = messages.unused(session, erased)
                summary.files_removed += messages.remove_files(files, erased)
            if progress is not None:
                progress(len(rows))
    if dry_run:
        with sessions() as session:
            summary.raw_erased = messages.unused_after(session, going)
    summary.sender_rows = senders.purge(
        sessions, cutoffs, batch=settings.retention.batch_size, dry_run=dry_run
    )
    if not dry_run:
        with sessions() as session:
            summary.bytes_missing = messages.live_without_bytes(session, now - FILE_SWEEP)
            recent = messages.recently_erased(session, now - FILE_SWEEP)
        if files is not None:
            summary.files_removed += messages.remove_files(files, recent)
        _audit(sessions, summary, actor, now)
    _log(summary)
    return summary


def _one_batch(
    session: Session,
    rows: list[object],
    *,
    settings: Settings,
    cutoffs: Cutoffs,
    summary: Summary,
    going: Counter[str],
    now: datetime,
) -> list[str]:
    protect = guards.load(session, fold_subaddress=settings.policy.fold_subaddress)
    found = messages.candidates(session, rows, with_addresses=bool(protect.held))
    hashes = {r.id: r.raw_sha256 for r in rows}  # type: ignore[attr-defined]
    purge: list[int] = []
    for candidate in found:
        verdict = decide(candidate, protect, cutoffs)
        if verdict in PURGE_CATEGORIES:
            summary.purged[verdict] += 1
            purge.append(candidate.id)
            going[hashes[candidate.id]] += 1
        elif verdict in KEEP_REASONS:
            summary.kept[verdict] += 1
    if summary.dry_run or not purge:
        return []
    erased = messages.tombstone(session, purge, now)
    summary.raw_erased += len(erased)
    return erased


def _file_root(settings: Settings) -> Path | None:
    if settings.raw_store.kind != "filesystem":
        return None
    return settings.resolve_path(settings.raw_store.path)


def _audit(sessions: sessionmaker[Session], summary: Summary, actor: str, now: datetime) -> None:
    with sessions() as session, session.begin():
        audit.append(
            session,
            actor=actor,
            action=ACTION,
            at=now,
            entity="retention",
            entity_id=now.isoformat(),
            after=summary.as_dict(),
        )


def _log(summary: Summary) -> None:
    if summary.bytes_missing:
        log.warning("retention.bytes_missing live_messages=%d", summary.bytes_missing)
    # Counts only: never an address, a subject or a hash.
    log.info(
        "retention.run dry_run=%s unmatched=%d quarantined=%d kept=%d raw_erased=%d "
        "files_removed=%d sender_rows=%d",
        summary.dry_run,
        summary.purged[PURGE_CATEGORIES[0]],
        summary.purged[PURGE_CATEGORIES[1]],
        sum(summary.kept.values()),
        summary.raw_erased,
        summary.files_removed,
        sum(summary.sender_rows.values()),
    )
