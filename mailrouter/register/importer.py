"""`register import`: a council's existing register (CSV or XLSX), all or nothing.

Every row is checked first (its own columns, duplicates across the file, and
clashes with what is already on the register), and every problem is reported
with its spreadsheet row number (the header is row 1). Only a file without a
single problem is imported, in one transaction, with one audit row per
customer; any failure while writing rolls the whole import back.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.errors import MailrouterError, PolicyError
from mailrouter.register import audit
from mailrouter.register.casework import NOTICE_CHANNELS
from mailrouter.register.import_rows import COLUMNS, REQUIRED, ImportRow, RowError, parse_row
from mailrouter.register.measures import SpecialMeasures
from mailrouter.register.records import Context, name_key, phone_key, snapshot, store_state
from mailrouter.store.models.register import (
    Case,
    CaseApproval,
    CaseNotice,
    Customer,
    CustomerAlias,
    CustomerEmail,
)

Progress = Callable[[int], None]
BATCH = 500


class ImportRejected(MailrouterError):
    """The file has problems; nothing was imported. ``problems`` lists them all."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


@dataclass
class ImportSummary:
    rows: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    diverting: int = 0
    references: list[str] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[str], Iterator[Mapping[str, Any]]]:
    """The header and the data rows of a CSV (UTF-8, with or without BOM) or XLSX file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.DictReader(handle)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header

    def rows() -> Iterator[Mapping[str, Any]]:
        with handle:
            yield from reader

    return header, rows()


def count_rows(path: Path) -> int:
    """Data rows in the file, for a progress bar (blank spreadsheet rows included)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl  # noqa: PLC0415 - only an XLSX import pays for loading it

        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return max((book.worksheets[0].max_row or 1) - 1, 0)
        finally:
            book.close()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[Mapping[str, Any]]]:
    import openpyxl  # noqa: PLC0415 - only an XLSX import pays for loading it

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(values, ())]

    def rows() -> Iterator[Mapping[str, Any]]:
        try:
            for cells in values:
                if any(c not in (None, "") for c in cells):
                    yield dict(zip(header, cells, strict=False))
        finally:
            book.close()

    return header, rows()


def check_file(
    session: Session, path: Path, ctx: Context, progress: Progress | None = None
) -> list[ImportRow]:
    """Parse and check every row; raise ``ImportRejected`` listing all problems."""
    header, rows = read_rows(path)
    problems = [f"header: missing column {c!r}" for c in REQUIRED if c not in header]
    problems += [f"header: unknown column {c!r}" for c in header if c and c not in COLUMNS]
    if problems:
        raise ImportRejected(problems)
    parsed: list[ImportRow] = []
    for line, row in enumerate(rows, start=2):
        try:
            item = parse_row(line, row, ctx)
            if item.notice and item.notice[1] not in NOTICE_CHANNELS:
                raise RowError(f"notice_channel: one of {', '.join(NOTICE_CHANNELS)}")
            parsed.append(item)
        except (RowError, PolicyError) as exc:
            problems.append(f"row {line}: {exc}")
        if progress:
            progress(1)
    problems += _clashes(session, parsed, ctx)
    if problems:
        raise ImportRejected(sorted(problems, key=_row_number))
    return parsed


def _row_number(problem: str) -> int:
    word = problem.split(":", 1)[0].removeprefix("row ")
    return int(word) if word.isdigit() else 0


def _clashes(session: Session, rows: list[ImportRow], ctx: Context) -> list[str]:
    """Addresses or references used twice in the file, or already on the register."""
    problems: list[str] = []
    seen_email: dict[str, int] = {}
    seen_ref: dict[str, int] = {}
    for row in rows:
        for address in {ctx.email(a) for a in row.person.identities.emails}:
            if address in seen_email:
                problems.append(
                    f"row {row.line}: emails: {address} is also in row {seen_email[address]}"
                )
            seen_email.setdefault(address, row.line)
        if row.reference:
            if row.reference in seen_ref:
                problems.append(
                    f"row {row.line}: reference: also used in row {seen_ref[row.reference]}"
                )
            seen_ref.setdefault(row.reference, row.line)
    taken = _existing(session, CustomerEmail.normalized, list(seen_email))
    problems += [f"row {seen_email[a]}: emails: {a} is already on the register" for a in taken]
    used = _existing(session, Case.reference, list(seen_ref))
    problems += [f"row {seen_ref[r]}: reference: {r} is already on the register" for r in used]
    return problems


def _existing(session: Session, column: Any, values: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(values), 500):
        found.update(session.scalars(select(column).where(column.in_(values[start : start + 500]))))
    return found


def import_rows(
    session: Session, rows: list[ImportRow], ctx: Context, progress: Progress | None = None
) -> ImportSummary:
    """Write checked rows in the caller's transaction, in batches."""
    summary = ImportSummary()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        _write_batch(session, batch, ctx, summary)
        if progress:
            progress(len(batch))
    return summary


def _write_batch(
    session: Session, batch: list[ImportRow], ctx: Context, summary: ImportSummary
) -> None:
    customers = [_customer(row, ctx) for row in batch]
    session.add_all(customers)
    session.flush()
    cases = [_case(row, customer, ctx) for row, customer in zip(batch, customers, strict=True)]
    for row, customer in zip(batch, customers, strict=True):
        session.add_all(_identities(row, customer, ctx))
    session.add_all(cases)
    session.flush()
    for row, customer, case in zip(batch, customers, cases, strict=True):
        if not row.reference:
            case.reference = f"MC-{row.opened_on.year}-{case.id:04d}"
        session.add_all(_decision_rows(row, case, ctx))
        audit.append(
            session,
            actor=ctx.actor,
            action="case.imported",
            at=ctx.now,
            entity="cases",
            entity_id=case.id,
            customer_id=customer.id,
            case_id=case.id,
            after={"customer": snapshot(customer), "case": snapshot(case), "source_row": row.line},
        )
        summary.rows += 1
        summary.by_status[case.status] = summary.by_status.get(case.status, 0) + 1
        summary.diverting += int(row.state.diversion_from is not None)
        summary.references.append(case.reference)
    session.flush()


def _customer(row: ImportRow, ctx: Context) -> Customer:
    person = row.person
    return Customer(
        full_name=person.full_name,
        postal_address=person.postal_address,
        pre_policy=person.pre_policy,
        repeated_history=person.repeated_history,
        staff_note=row.staff_note,
        created_at=ctx.now,
    )


def _identities(row: ImportRow, customer: Customer, ctx: Context) -> list[Any]:
    found: list[Any] = []
    for address in dict.fromkeys(row.person.identities.emails):
        found.append(
            CustomerEmail(
                customer_id=customer.id,
                address=address,
                normalized=ctx.email(address),
                added_on=ctx.today,
            )
        )
    for phone in row.person.identities.phones:
        found.append(
            CustomerAlias(
                customer_id=customer.id, kind="phone", value=phone, normalized=phone_key(phone)
            )
        )
    for name in row.person.identities.names:
        found.append(
            CustomerAlias(
                customer_id=customer.id, kind="name", value=name, normalized=name_key(name)
            )
        )
    return found


def _case(row: ImportRow, customer: Customer, ctx: Context) -> Case:
    measures: SpecialMeasures = row.measures
    case = Case(
        reference=row.reference or f"PENDING-{customer.id}",
        customer_id=customer.id,
        opened_on=row.opened_on,
        extreme_reason=row.extreme_reason,
        spoc_id=row.spoc_id,
        deputy_spoc_id=row.deputy_spoc_id,
        measures=measures.to_json(),
        reply_cadence=measures.reply_cadence,
        status_reason="imported from the council's register",
        created_at=ctx.now,
    )
    store_state(case, row.state, ctx.now)
    return case


def _decision_rows(row: ImportRow, case: Case, ctx: Context) -> list[Any]:
    found: list[Any] = [
        CaseApproval(
            case_id=case.id,
            round=case.round,
            role=a.role.value,
            approver_name=a.approver_name,
            approver_email=a.approver_email,
            approver_key=a.approver_key,
            title=a.title.value if a.title else None,
            approved=True,
            decided_on=a.decided_on,
            reasons="imported",
            recorded_at=ctx.now,
        )
        for a in row.state.approvals
    ]
    if row.notice:
        kind = "stage1" if case.status == "monitoring" else "stage2"
        found.append(
            CaseNotice(
                case_id=case.id,
                round=case.round,
                kind=kind,
                sent_on=row.notice[0],
                channel=row.notice[1],
                note="imported",
                recorded_at=ctx.now,
            )
        )
    return found
