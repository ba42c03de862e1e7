"""``/health``: a pure verdict from what the database says, so the rule is testable alone.

Healthy means the database answers and no watched folder is failing. Parked
outbox rows are reported (a person must look at them) but do not make the
daemon unhealthy: routing and delivery carry on around them, and ``/metrics``
is where an alert on them belongs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mailrouter.web.queries import FolderHealth


@dataclass(frozen=True, slots=True)
class Health:
    database: bool
    folders: tuple[FolderHealth, ...]
    parked: int

    @property
    def healthy(self) -> bool:
        return self.database and not any(f.status == "failing" for f in self.folders)

    def as_json(self) -> dict[str, Any]:
        mailboxes: dict[str, dict[str, Any]] = {}
        for f in self.folders:
            entry = mailboxes.setdefault(f.mailbox, {"healthy": True, "folders": {}})
            entry["healthy"] = entry["healthy"] and f.status != "failing"
            entry["folders"][f.folder] = {
                "status": f.status,
                "consecutive_failures": f.consecutive_failures,
                "last_success_at": _iso(f.last_success_at),
                "failing_since": _iso(f.failing_since),
            }
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "database": "ok" if self.database else "unreachable",
            "mailboxes": mailboxes,
            "outbox_parked": self.parked,
        }


def unhealthy_mailboxes(folders: Sequence[FolderHealth]) -> int:
    return len({f.mailbox for f in folders if f.status == "failing"})


def _iso(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else None
