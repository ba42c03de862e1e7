"""The governance report as titled tables: the one shape both the CSV and HTML render."""

from __future__ import annotations

from dataclasses import dataclass

from mailrouter.reports.governance import STAGE_LABELS, GovernanceReport

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # the CSV file's suffix and the HTML section's id
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def _stage(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


def tables(report: GovernanceReport) -> tuple[Table, ...]:
    q = report.quarter
    return (
        Table(
            "summary",
            "Summary",
            ("measure", "value"),
            (
                ("quarter", q.label),
                ("from", q.start.isoformat()),
                ("to", q.end.isoformat()),
                ("active at quarter end: stage 1", report.active_total("monitoring")),
                ("active at quarter end: stage 2", report.active_total("stage2")),
                ("new in quarter", report.movement("new")),
                ("escalated in quarter", report.movement("escalated")),
                ("de-escalated in quarter", report.movement("de-escalated")),
                ("lapsed in quarter", report.movement("lapsed")),
                ("closed in quarter", report.movement("closed")),
                ("reviews done in quarter", report.reviews_done),
                ("reviews overdue at quarter end", len(report.overdue)),
                ("diverted messages in quarter", sum(d.messages for d in report.diverted)),
            ),
        ),
        Table(
            "active",
            "Active arrangements at quarter end, by stage and service",
            ("stage", "service", "cases"),
            tuple((_stage(a.stage), a.service, a.cases) for a in report.active),
            "Active: at stage 1 or 2 on the last day of the quarter and not past expiry.",
        ),
        Table(
            "movements",
            "Arrangements started, moved and ended in the quarter",
            ("movement", "stage", "cases"),
            tuple((m.movement, _stage(m.stage), m.cases) for m in report.movements),
            "Stage is the stage entered (new, escalated, de-escalated, reintroduced) "
            "or left (lapsed, closed).",
        ),
        Table(
            "outcomes",
            "Reviews done in the quarter, by outcome",
            ("outcome", "reviews"),
            tuple((o.outcome, o.reviews) for o in report.outcomes),
        ),
        Table(
            "overdue",
            "Reviews overdue at quarter end",
            (
                "case",
                "customer",
                "stage",
                "service",
                "review due",
                "days overdue",
            ),
            tuple(
                (
                    o.reference,
                    o.customer_name,
                    _stage(o.stage),
                    o.service,
                    o.review_due_on.isoformat(),
                    o.days_overdue,
                )
                for o in report.overdue
            ),
        ),
        Table(
            "durations",
            "Days at each stage",
            ("stage", "spells", "count", "median days", "max days"),
            tuple(
                (_stage(d.stage), d.spells, d.count, d.median_days, d.max_days)
                for d in report.durations
            ),
            "Running spells are counted to the quarter's last day.",
        ),
        Table(
            "diverted",
            "Diverted mail in the quarter, by service",
            ("service", "messages", "cases"),
            tuple((d.service, d.messages, d.cases) for d in report.diverted),
        ),
    )


def format_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.1f}"
    return str(value)
