"""The register's operations, each one transaction that makes the change and audits it.

Design note.

*States.* A case is ``monitoring`` (stage 1) or ``stage2`` while live, then
``closed`` and at once ``dormant``, then ``deleted`` (see ``states`` for the
full machine, including the direct move to stage 2 for extreme conduct and
reintroduction of a dormant case). Approvals and notices belong to a *round*
(one entry into a stage), so a decision never carries over to a new stage.

*Transactions.* Every public method of ``Register`` runs in exactly one
transaction (``db.transaction``) that loads the case, checks the pure rules
(``states``: a refusal is a ``PolicyError`` and nothing is written), writes
the rows (approval, notice, review, hold, tombstone) and the case's state,
and appends the audit row(s) with the case before and after. So there is never
a change without its audit row, nor an audit row for a change that did not
commit. Reads through ``show``/``list_cases``/``sar`` are audited the same way.

*What each covers.* ``add``: customer, identities, case, two audit rows.
``approve``: the signatory's prior-involvement check against stored mail and
earlier approvals, the approval, and on the deciding approval the decision
date and expiry. ``notify``: the notice and, for a decided stage 2 with a
divert measure, the diversion start date. ``review``: the review row and its
outcome (expiry unchanged, extended, escalated or closed). ``delete``: the
retention checks, the tombstone, erasure of the person's rows and of the
personal data in their audit payloads.

Every method takes ``now``: the CLI passes the wall clock, tests and the
scheduler pass their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.domain import CaseStatus
from mailrouter.register import audit, casework, deletion, importer, people, queries, sar
from mailrouter.register.records import Context, case_of, find_case, find_customer, record
from mailrouter.register.states import NoticeKind
from mailrouter.register.views import case_detail
from mailrouter.store import db
from mailrouter.store.models.register import Case

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CaseRef:
    case_id: int
    reference: str
    customer_id: int
    status: str


def _ref(case: Case) -> CaseRef:
    return CaseRef(case.id, case.reference, case.customer_id, case.status)


class Register:
    """The managed contact register's write side (and its audited reads)."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings

    def context(self, actor: str, now: datetime) -> Context:
        return Context.from_settings(self.settings, actor, now)

    def _run(self, actor: str, now: datetime, work: Callable[[Session, Context], T]) -> T:
        with db.transaction(self.sessions) as session:
            return work(session, self.context(actor, now))

    def _on_case(
        self, key: str, actor: str, now: datetime, work: Callable[[Session, Context, Case], T]
    ) -> T:
        return self._run(actor, now, lambda s, c: work(s, c, find_case(s, key)))

    def add(
        self, person: people.NewCustomer, new: people.NewCase, *, actor: str, now: datetime
    ) -> CaseRef:
        return self._run(actor, now, lambda s, c: _ref(people.add_customer(s, c, person, new)))

    def add_identities(
        self, key: str, found: people.Identities, *, actor: str, now: datetime
    ) -> None:
        def work(s: Session, c: Context) -> None:
            people.add_identities(s, c, find_customer(s, key, c), found)

        self._run(actor, now, work)

    def add_representative(
        self, key: str, rep: people.NewRepresentative, *, actor: str, now: datetime
    ) -> int:
        return self._run(
            actor,
            now,
            lambda s, c: people.add_representative(s, c, find_customer(s, key, c), rep).id,
        )

    def set_measures(
        self, key: str, changes: dict[str, Any], *, actor: str, now: datetime, **spocs: str | None
    ) -> list[str]:
        """Change measures; ``spoc_id=``/``deputy_spoc_id=`` change the SPOCs too."""
        return self._on_case(
            key,
            actor,
            now,
            lambda s, c, k: casework.set_measures(s, c, k, changes, **spocs).describe(),
        )

    def approve(
        self, key: str, given: casework.ApprovalInput, *, actor: str, now: datetime
    ) -> CaseRef:
        def work(s: Session, c: Context, case: Case) -> CaseRef:
            casework.approve(s, c, case, given)
            return _ref(case)

        return self._on_case(key, actor, now, work)

    def notify(
        self,
        key: str,
        kind: NoticeKind,
        *,
        sent_on: date,
        channel: str,
        note: str | None = None,
        actor: str,
        now: datetime,
    ) -> CaseRef:
        def work(s: Session, c: Context, case: Case) -> CaseRef:
            casework.notify(s, c, case, kind, sent_on=sent_on, channel=channel, note=note)
            return _ref(case)

        return self._on_case(key, actor, now, work)

    def review(
        self, key: str, given: casework.ReviewInput, *, actor: str, now: datetime
    ) -> CaseRef:
        def work(s: Session, c: Context, case: Case) -> CaseRef:
            casework.review(s, c, case, given)
            return _ref(case)

        return self._on_case(key, actor, now, work)

    def change_status(
        self, key: str, to: CaseStatus, *, on: date, reason: str, actor: str, now: datetime
    ) -> CaseRef:
        def work(s: Session, c: Context, case: Case) -> CaseRef:
            casework.change_status(s, c, case, to, on=on, reason=reason)
            return _ref(case)

        return self._on_case(key, actor, now, work)

    def close(self, key: str, *, on: date, reason: str, actor: str, now: datetime) -> CaseRef:
        return self.change_status(
            key, CaseStatus.closed, on=on, reason=reason, actor=actor, now=now
        )

    def record_activity(self, key: str, *, on: date, note: str, actor: str, now: datetime) -> None:
        self._on_case(
            key, actor, now, lambda s, c, k: casework.record_activity(s, c, k, on=on, note=note)
        )

    def open_hold(
        self, key: str, kind: str, *, reference: str, on: date, actor: str, now: datetime
    ) -> int:
        def work(s: Session, c: Context) -> int:
            customer = find_customer(s, key, c)
            return people.open_hold(s, c, customer, kind, reference=reference, on=on).id

        return self._run(actor, now, work)

    def release_hold(self, hold_id: int, *, on: date, actor: str, now: datetime) -> None:
        self._run(actor, now, lambda s, c: people.release_hold(s, c, hold_id, on))

    def lapse_expired(self, *, actor: str, now: datetime) -> list[str]:
        """Close every live arrangement past its expiry; one transaction each."""
        due = [
            s.reference
            for s in self.list_cases(actor=actor, now=now, audited=False)
            if s.lapsed and s.status in (CaseStatus.monitoring, CaseStatus.stage2)
        ]
        for reference in due:
            self._on_case(reference, actor, now, casework.lapse)
        return due

    def deletions_due(self, *, actor: str, now: datetime) -> list[deletion.DueDeletion]:
        return self._run(actor, now, deletion.deletions_due)

    def delete(self, key: str, *, reason: str, actor: str, now: datetime) -> int:
        return self._on_case(
            key, actor, now, lambda s, c, k: deletion.delete_case(s, c, k, reason).case_id
        )

    def show(self, key: str, *, actor: str, now: datetime) -> dict[str, Any]:
        """Everything on the case; the read itself is audited."""

        def work(s: Session, c: Context) -> dict[str, Any]:
            case = (
                find_case(s, key)
                if not _is_customer_key(key)
                else case_of(s, find_customer(s, key, c))
            )
            record(s, c, "case.viewed", case, customer_id=case.customer_id, case_id=case.id)
            return case_detail(s, case)

        return self._run(actor, now, work)

    def list_cases(
        self, *, actor: str, now: datetime, status: str | None = None, audited: bool = True
    ) -> list[queries.CaseSummary]:
        def work(s: Session, c: Context) -> list[queries.CaseSummary]:
            found = queries.list_cases(s, c.today, c.policy, status)
            if audited:
                # One row for the listing (ids only), not one per case: a list is a glance.
                ids = [summary.case_id for summary in found]
                audit.append(
                    s,
                    actor=c.actor,
                    action="cases.listed",
                    at=c.now,
                    entity="cases",
                    entity_id=status or "all",
                    after={"case_ids": ids},
                )
            return found

        return self._run(actor, now, work)

    def import_file(
        self,
        path: Path,
        *,
        actor: str,
        now: datetime,
        checked: importer.Progress | None = None,
        written: importer.Progress | None = None,
    ) -> importer.ImportSummary:
        """Check every row, then import all of them in this one transaction, or none."""

        def work(s: Session, c: Context) -> importer.ImportSummary:
            rows = importer.check_file(s, path, c, checked)
            return importer.import_rows(s, rows, c, written)

        return self._run(actor, now, work)

    def sar_export(
        self, key: str, out_dir: Path, *, actor: str, now: datetime
    ) -> tuple[Path, Path]:
        data = self._run(actor, now, lambda s, c: sar.collect(s, c, find_customer(s, key, c)))
        return sar.write(data, out_dir, self.settings.general.council_name)


def _is_customer_key(key: str) -> bool:
    return "@" in key
