"""`mailrouter flags ...`: the flag queue for IG officers.

``scan`` turns the contact counters into flags; ``list`` and ``show`` read the
queue (``show`` is audited and can draw the per-day timeline as SVG);
``dismiss``, ``watch`` and ``propose`` record IG's decision with a reason.
Nothing here escalates anyone: ``propose`` only opens a stage 1 case, which a
manager still has to approve through ``mailrouter register approve``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.headertext import display
from mailrouter.metrics import queue
from mailrouter.metrics.svg import timeline_svg

DATE = click.DateTime(formats=["%Y-%m-%d"])
# Evidence of the alias and renewed-contact flags, shown when present.
DETAILS = (
    "customer_id",
    "case_id",
    "kinds",
    "seen_in",
    "phone",
    "name",
    "writing_similarity",
    "dormant_since",
)


def _now() -> datetime:
    return datetime.now(UTC)


@click.group("flags")
def flags() -> None:
    """Flags raised from contact patterns, for IG review."""


@flags.command("scan")
@click.option("--days", default=28, show_default=True, help="How many days to look back.")
@click.option("--end", type=DATE, help="Last day of the window (default today).")
@click.pass_obj
def scan(app: App, *, days: int, end: datetime | None) -> None:
    """Evaluate the counters and queue any new flags (decided flags are left alone)."""
    settings = app.settings()
    last = end.date() if end else _now().astimezone(settings.tz).date()
    first = last - timedelta(days=days - 1)
    result = queue.scan(app.sessions(), settings, start=first, end=last, now=_now())
    click.echo(
        f"Scanned {first} to {last}: {result.raised} new, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


@flags.command("list")
@click.option(
    "--status",
    type=click.Choice([*queue.STATUSES, "all"]),
    default="open",
    show_default=True,
)
@click.pass_obj
def list_cmd(app: App, *, status: str) -> None:
    """The queue, oldest first."""
    rows = queue.list_flags(app.sessions(), None if status == "all" else status)
    if not rows:
        click.echo("No flags.")
    for row in rows:
        urgent = "URGENT " if row.urgent else ""
        click.echo(
            f"#{row.id} {urgent}[{row.status}] {display(row.subject, 80)} {row.kind}: "
            f"{display(row.explanation, 300)}"
        )


@flags.command("show")
@click.argument("flag_id", type=int)
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the per-day contact timeline as an SVG chart to this file.",
)
@actor_option
@click.pass_obj
def show(app: App, *, flag_id: int, svg_path: Path | None, actor: str) -> None:
    """A flag's explanation and evidence (the view is recorded in the audit log)."""
    row = queue.show(app.sessions(), flag_id, actor=actor, now=_now())
    evidence = row.evidence
    urgent = " URGENT" if row.urgent else ""
    click.echo(f"Flag #{row.id}:{urgent} {row.kind} for {display(row.subject, 200)} [{row.status}]")
    click.echo(f"  period: {row.period_start} to {row.period_end}")
    click.echo(f"  {display(row.explanation, 500)}")
    if row.reason:
        click.echo(f"  decision by {row.decided_by}: {display(row.reason, 500)}")
    if row.case_reference:
        click.echo(f"  proposed case: {row.case_reference}")
    counts = evidence.get("counts")
    for name, value in (counts if isinstance(counts, dict) else {}).items():
        click.echo(f"  {name}: {value}")
    for key in DETAILS:
        if key in evidence:
            click.echo(f"  {key.replace('_', ' ')}: {display(_ids(evidence[key]), 300)}")
    click.echo(f"  identities: {_ids(evidence.get('identities'))}")
    click.echo(f"  messages: {_ids(evidence.get('message_ids'))}")
    click.echo(f"  logged contacts: {_ids(evidence.get('contact_ids'))}")
    points = _timeline(evidence.get("timeline"))
    click.echo("  timeline:")
    for day, count in points:
        click.echo(f"    {day}  {count:3d} {'#' * min(count, 60)}")
    if svg_path is not None:
        threshold = app.settings().thresholds.messages_per_day
        svg = timeline_svg(
            points,
            title=f"Contacts per day: flag #{row.id} ({row.kind})",
            start=row.period_start,
            end=row.period_end,
            threshold=threshold,
        )
        svg_path.write_text(svg, encoding="utf-8")
        click.echo(f"Timeline chart written to {svg_path}")


def _ids(value: object) -> str:
    if not isinstance(value, list):
        return "none" if value is None else str(value)
    return ", ".join(str(v) for v in value) if value else "none"


def _timeline(value: object) -> list[tuple[date, int]]:
    if not isinstance(value, list):
        return []
    return [(date.fromisoformat(str(day)), int(count)) for day, count in value]


@flags.command("dismiss")
@click.argument("flag_id", type=int)
@click.option("--reason", required=True, help="Why no action is needed (recorded).")
@actor_option
@click.pass_obj
def dismiss(app: App, *, flag_id: int, reason: str, actor: str) -> None:
    """No action: the flag will not come back for the same period."""
    queue.decide(
        app.sessions(), flag_id, status="dismissed", reason=reason, actor=actor, now=_now()
    )
    click.echo(f"Flag #{flag_id} dismissed.")


@flags.command("watch")
@click.argument("flag_id", type=int)
@click.option("--reason", required=True, help="Why the contact is being watched (recorded).")
@actor_option
@click.pass_obj
def watch(app: App, *, flag_id: int, reason: str, actor: str) -> None:
    """Keep an eye on this sender without action for now."""
    queue.decide(app.sessions(), flag_id, status="watching", reason=reason, actor=actor, now=_now())
    click.echo(f"Flag #{flag_id} is being watched.")


@flags.command("propose")
@click.argument("flag_id", type=int)
@click.option("--name", "full_name", required=True, help="The customer's name for the register.")
@click.option("--reason", required=True, help="Why stage 1 is proposed (recorded).")
@actor_option
@click.pass_obj
def propose(app: App, *, flag_id: int, full_name: str, reason: str, actor: str) -> None:
    """Open a stage 1 (monitoring) case for a manager to approve; never stage 2."""
    reference = queue.propose(
        app.sessions(),
        app.settings(),
        flag_id,
        full_name=full_name,
        reason=reason,
        actor=actor,
        now=_now(),
    )
    click.echo(
        f"Stage 1 case {reference} opened from flag #{flag_id}; a manager must approve it "
        f"(mailrouter register approve {reference} ...)."
    )
