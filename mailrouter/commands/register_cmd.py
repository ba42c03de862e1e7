"""`mailrouter register ...`: the managed contact register for IG officers.

CASE is a case id or reference (MC-2026-0001); CUSTOMER is a customer id, one
of their e-mail addresses, or their case's reference. Dates are YYYY-MM-DD and
default to today in the council's time zone. Every command records ``--actor``
in the audit log, reads included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import click

from mailrouter.app import App
from mailrouter.commands.common import actor_option
from mailrouter.commands.register_io_cmd import export_cmd, import_cmd, sar_export
from mailrouter.domain import CaseStatus
from mailrouter.headertext import display
from mailrouter.register import casework
from mailrouter.register.measures import CADENCES, MEDIA
from mailrouter.register.people import (
    HOLD_KINDS,
    REPRESENTATIVE_KINDS,
    Identities,
    NewCase,
    NewCustomer,
    NewRepresentative,
)
from mailrouter.register.service import Register
from mailrouter.register.states import NoticeKind, Outcome, Role, SignatoryTitle

DATE = click.DateTime(formats=["%Y-%m-%d"])


def service(app: App) -> Register:
    return Register(app.sessions(), app.settings())


def now() -> datetime:
    return datetime.now(UTC)


def day(app: App, value: datetime | None) -> date:
    """The given date, or today where the council is."""
    return value.date() if value else now().astimezone(app.settings().tz).date()


@click.group("register")
def register() -> None:
    """The managed contact register: customers, cases, decisions, reviews."""


@register.command("add")
@click.argument("name")
@click.option("--email", "emails", multiple=True, help="An address they write from (repeat).")
@click.option("--phone", "phones", multiple=True, help="A phone number (repeat).")
@click.option("--alias", "aliases", multiple=True, help="Another name they use (repeat).")
@click.option("--address", "postal", help="Postal address.")
@click.option(
    "--stage",
    type=click.Choice(["monitoring", "stage2"]),
    default="monitoring",
    show_default=True,
    help="stage2 straight away only for extreme conduct.",
)
@click.option("--extreme-reason", help="Why the conduct is extreme (required for --stage stage2).")
@click.option("--opened", type=DATE, help="Date the case was opened (default today).")
@click.option("--reference", help="The council's own reference (default MC-<year>-<id>).")
@click.option("--spoc", help="SPOC id (from [[spocs]] in the config).")
@click.option("--deputy", help="Deputy SPOC id.")
@click.option("--pre-policy", is_flag=True, help="Under arrangements before this policy.")
@click.option("--repeated-history", is_flag=True, help="A repeated history of contact.")
@click.option("--note", help="Staff-only note (withheld from subject access exports).")
@actor_option
@click.pass_obj
def add(
    app: App,
    *,
    name: str,
    emails: tuple[str, ...],
    phones: tuple[str, ...],
    aliases: tuple[str, ...],
    postal: str | None,
    stage: str,
    extreme_reason: str | None,
    opened: datetime | None,
    reference: str | None,
    spoc: str | None,
    deputy: str | None,
    pre_policy: bool,
    repeated_history: bool,
    note: str | None,
    actor: str,
) -> None:
    """Put a customer on the register and open their case."""
    person = NewCustomer(
        name, Identities(emails, phones, aliases), postal, pre_policy, repeated_history, note
    )
    new = NewCase(CaseStatus(stage), day(app, opened), extreme_reason, reference, spoc, deputy)
    ref = service(app).add(person, new, actor=actor, now=now())
    click.echo(
        f"Case {ref.reference} (id {ref.case_id}) opened at {ref.status} "
        f"for customer {ref.customer_id}."
    )


@register.command("show")
@click.argument("case")
@actor_option
@click.pass_obj
def show(app: App, *, case: str, actor: str) -> None:
    """Everything on a case (the view is recorded in the audit log)."""
    detail = service(app).show(case, actor=actor, now=now())
    entry, person = detail["case"], detail["customer"]
    click.echo(
        f"Case {entry['reference']} (id {entry['id']}): {entry['status']}, round {entry['round']}"
    )
    click.echo(f"  customer {person['id']}: {display(person['full_name'], 300)}")
    _lines("customer note", [person["staff_note"]] if person["staff_note"] else [])
    _lines("address", [e["address"] for e in detail["emails"]])
    _lines("alias", [f"{a['kind']}: {a['value']}" for a in detail["aliases"]])
    _lines(
        "representative",
        [
            f"{r['kind']}: {r['name']} {r['email'] or ''}".rstrip()
            for r in detail["representatives"]
        ],
    )
    for key in (
        "opened_on",
        "extreme_reason",
        "status_reason",
        "spoc_id",
        "deputy_spoc_id",
        "decision_on",
        "notified_on",
        "diversion_from",
        "expires_on",
        "last_review_on",
        "dormant_since",
        "staff_note",
    ):
        if entry.get(key):
            _lines(key.replace("_", " "), [entry[key]])
    _lines("measure", detail["special_measures"])
    _lines(
        "approval",
        [
            f"round {a['round']} {a['decided_on']} {a['role']}: {a['approver_name']}"
            f" {'approved' if a['approved'] else 'REJECTED'}"
            for a in detail["approvals"]
        ],
    )
    _lines("notice", [f"{n['sent_on']} {n['kind']} by {n['channel']}" for n in detail["notices"]])
    _lines(
        "review",
        [
            f"{r['reviewed_on']} {r['outcome']} (expiry {r['new_expiry']}): {r['considered']}"
            for r in detail["reviews"]
        ],
    )
    _lines(
        "legal hold",
        [
            f"{h['id']}: {h['kind']} {h['reference']} since {h['opened_on']}"
            + (f", released {h['released_on']}" if h["released_on"] else "")
            for h in detail["legal_holds"]
        ],
    )


def _lines(label: str, values: list[str]) -> None:
    # Register text may come from imported spreadsheets: no control characters reach the terminal.
    for value in values:
        click.echo(f"  {label}: {display(str(value), 1000)}")


@register.command("list")
@click.option("--status", type=click.Choice([s.value for s in CaseStatus if s != "deleted"]))
@click.option("--due", is_flag=True, help="Only cases whose review is due or which lapsed.")
@actor_option
@click.pass_obj
def list_cmd(app: App, *, status: str | None, due: bool, actor: str) -> None:
    """Cases with their review dates; `*` marks a case whose e-mail is being diverted."""
    today = day(app, None)
    found = service(app).list_cases(actor=actor, now=now(), status=status)
    if due:
        found = [c for c in found if c.lapsed or (c.review_due and c.review_due <= today)]
    if not found:
        click.echo("No cases.")
    for c in found:
        flag = "*" if c.diverting else ("!" if c.lapsed else " ")
        click.echo(
            f"{c.reference:<16}{flag} {c.status:<10} {c.customer_name[:30]:<30} "
            f"spoc {c.spoc_id or '-':<10} expires {c.expires_on or '-'}  "
            f"review due {c.review_due or '-'}"
        )


@register.group("identity")
def identity() -> None:
    """A customer's addresses, phones, names and representatives."""


@identity.command("add")
@click.argument("customer")
@click.option("--email", "emails", multiple=True)
@click.option("--phone", "phones", multiple=True)
@click.option("--name", "names", multiple=True, help="Another name (or the representative's).")
@click.option(
    "--representative",
    "rep_kind",
    type=click.Choice(REPRESENTATIVE_KINDS),
    help="These details are of someone acting for the customer, not the customer.",
)
@actor_option
@click.pass_obj
def identity_add(
    app: App,
    *,
    customer: str,
    emails: tuple[str, ...],
    phones: tuple[str, ...],
    names: tuple[str, ...],
    rep_kind: str | None,
    actor: str,
) -> None:
    """Add identities to CUSTOMER, or (with --representative) a representative."""
    reg = service(app)
    if rep_kind:
        if not names or len(emails) > 1 or len(phones) > 1:
            raise click.UsageError("a representative takes --name and at most one --email/--phone")
        rep = NewRepresentative(
            rep_kind, names[0], emails[0] if emails else None, phones[0] if phones else None
        )
        rep_id = reg.add_representative(customer, rep, actor=actor, now=now())
        click.echo(f"Representative {rep_id} added.")
        return
    reg.add_identities(customer, Identities(emails, phones, names), actor=actor, now=now())
    click.echo("Identities added.")


@register.group("measure")
def measure() -> None:
    """Special measures on a case."""


@measure.command("set")
@click.argument("case")
@click.option("--divert/--no-divert", default=None, help="Divert e-mail to the SPOC (stage 2).")
@click.option("--cadence", type=click.Choice(CADENCES), help="Reply cadence with --divert.")
@click.option("--one-medium", type=click.Choice([*MEDIA, "none"]))
@click.option("--spoc-only/--no-spoc-only", default=None)
@click.option("--no-calls/--calls-allowed", default=None)
@click.option("--max-calls-per-week", type=click.IntRange(0))
@click.option("--max-call-minutes", type=click.IntRange(0))
@click.option("--call-script/--no-call-script", default=None)
@click.option(
    "--no-ack-repeated/--ack-repeated",
    default=None,
    help="Repeated complaints on closed cases are not acknowledged.",
)
@click.option("--via-advocate/--no-advocate", default=None)
@click.option("--third-party-present/--no-third-party", default=None)
@click.option("--premises-only/--any-premises", default=None)
@click.option("--agreement/--no-agreement", default=None)
@click.option("--other", "others", multiple=True, help="Another measure in words (repeat).")
@click.option("--clear-other", is_flag=True, help="Remove the other measures first.")
@click.option("--spoc", help="SPOC id ('' to remove).")
@click.option("--deputy", help="Deputy SPOC id ('' to remove).")
@actor_option
@click.pass_obj
def measure_set(
    app: App,
    /,
    *,
    case: str,
    spoc: str | None,
    deputy: str | None,
    actor: str,
    others: tuple[str, ...],
    clear_other: bool,
    **flags: Any,
) -> None:
    """Change CASE's special measures; options not given keep their values."""
    changes, calls = _measure_changes(flags)
    reg = service(app)
    if calls or others or clear_other:
        current = reg.show(case, actor=actor, now=now())["special_measures_data"]
        if calls:
            changes["calls"] = {**current["calls"], **calls}
        if others or clear_other:
            changes["other"] = [*([] if clear_other else current["other"]), *others]
    spocs = {
        k: v or None for k, v in (("spoc_id", spoc), ("deputy_spoc_id", deputy)) if v is not None
    }
    for line in reg.set_measures(case, changes, actor=actor, now=now(), **spocs) or ["(none)"]:
        click.echo(f"  {line}")


_FLAG_FIELDS = {
    "divert": "divert_email_to_spoc",
    "spoc_only": "spoc_only",
    "no_ack_repeated": "no_ack_repeated_complaints",
    "via_advocate": "via_advocate",
    "third_party_present": "third_party_present",
    "premises_only": "council_premises_only",
    "agreement": "contact_agreement",
}
_CALL_FIELDS = {
    "no_calls": "no_calls",
    "max_calls_per_week": "max_calls_per_week",
    "max_call_minutes": "max_call_minutes",
    "call_script": "scripted_termination",
}


def _measure_changes(flags: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changes = {field: flags[opt] for opt, field in _FLAG_FIELDS.items() if flags[opt] is not None}
    if flags["cadence"]:
        changes["reply_cadence"] = flags["cadence"]
    if flags["one_medium"]:
        changes["one_medium"] = None if flags["one_medium"] == "none" else flags["one_medium"]
    calls = {field: flags[opt] for opt, field in _CALL_FIELDS.items() if flags[opt] is not None}
    for key in ("max_calls_per_week", "max_call_minutes"):
        if calls.get(key) == 0:
            calls[key] = None  # 0 removes the limit
    return changes, calls


@register.command("approve")
@click.argument("case")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", required=True, help="The approving officer's name.")
@click.option("--email", required=True, help="Their address (checked for prior involvement).")
@click.option(
    "--title",
    type=click.Choice([t.value for t in SignatoryTitle]),
    help="For --role signatory: director or monitoring-officer.",
)
@click.option("--reject", is_flag=True, help="Record a rejection instead of an approval.")
@click.option("--date", "decided", type=DATE, help="Date of the decision (default today).")
@click.option("--reasons", default="", help="The reasons given.")
@click.option("--months", type=int, help="Monitoring period on the deciding approval (default 6).")
@click.option("--note", help="Staff-only note.")
@actor_option
@click.pass_obj
def approve(
    app: App,
    *,
    case: str,
    role: str,
    name: str,
    email: str,
    title: str | None,
    reject: bool,
    decided: datetime | None,
    reasons: str,
    months: int | None,
    note: str | None,
    actor: str,
) -> None:
    """Record an approval for the case's current stage (stage 2: in order HoS, SIGO, signatory)."""
    given = casework.ApprovalInput(
        Role(role),
        name,
        email,
        day(app, decided),
        not reject,
        SignatoryTitle(title) if title else None,
        reasons,
        months,
        note,
    )
    ref = service(app).approve(case, given, actor=actor, now=now())
    click.echo(f"{role} {'rejection' if reject else 'approval'} recorded on {ref.reference}.")


@register.command("notify")
@click.argument("case")
@click.option("--kind", type=click.Choice([k.value for k in NoticeKind]), required=True)
@click.option("--date", "sent", type=DATE, help="Date sent (default today).")
@click.option("--channel", type=click.Choice(casework.NOTICE_CHANNELS), required=True)
@click.option("--note", help="Staff note about the letter.")
@actor_option
@click.pass_obj
def notify(
    app: App,
    *,
    case: str,
    kind: str,
    sent: datetime | None,
    channel: str,
    note: str | None,
    actor: str,
) -> None:
    """Record the letter or e-mail telling the customer; stage 2 diversion starts from it."""
    service(app).notify(
        case,
        NoticeKind(kind),
        sent_on=day(app, sent),
        channel=channel,
        note=note,
        actor=actor,
        now=now(),
    )
    click.echo(f"{kind} notice recorded.")


@register.command("review")
@click.argument("case")
@click.option("--outcome", type=click.Choice([o.value for o in Outcome]), required=True)
@click.option("--considered", required=True, help="What the review considered.")
@click.option("--date", "reviewed", type=DATE, help="Date of the review (default today).")
@click.option("--expiry", type=DATE, help="New expiry, for --outcome extend.")
@click.option("--months", type=int, help="Or: extend to this many months from the review.")
@click.option("--reasons", default="", help="Reasons (required to extend).")
@click.option("--reviewer", "reviewers", multiple=True, help="Who took part (repeat).")
@click.option("--note", help="Staff-only note.")
@actor_option
@click.pass_obj
def review(
    app: App,
    *,
    case: str,
    outcome: str,
    considered: str,
    reviewed: datetime | None,
    expiry: datetime | None,
    months: int | None,
    reasons: str,
    reviewers: tuple[str, ...],
    note: str | None,
    actor: str,
) -> None:
    """Record a review: continue, extend (with reasons), escalate to stage 2, or close."""
    given = casework.ReviewInput(
        day(app, reviewed),
        considered,
        Outcome(outcome),
        reasons,
        expiry.date() if expiry else None,
        months,
        reviewers,
        note,
    )
    ref = service(app).review(case, given, actor=actor, now=now())
    click.echo(f"Review recorded; {ref.reference} is now {ref.status}.")


@register.command("close")
@click.argument("case")
@click.option("--reason", required=True)
@click.option("--date", "closed", type=DATE, help="Date of closure (default today).")
@actor_option
@click.pass_obj
def close(app: App, *, case: str, reason: str, closed: datetime | None, actor: str) -> None:
    """Close the arrangement; the case becomes dormant and the 24-month retention starts."""
    ref = service(app).close(case, on=day(app, closed), reason=reason, actor=actor, now=now())
    click.echo(f"{ref.reference} closed; now {ref.status}.")


@register.command("status")
@click.argument("case")
@click.argument("to", type=click.Choice(["monitoring", "stage2"]))
@click.option("--reason", required=True)
@click.option("--date", "on", type=DATE, help="Date of the change (default today).")
@actor_option
@click.pass_obj
def status(app: App, *, case: str, to: str, reason: str, on: datetime | None, actor: str) -> None:
    """Escalate, return an undecided stage 2 to stage 1, or reintroduce a dormant case."""
    ref = service(app).change_status(
        case, CaseStatus(to), on=day(app, on), reason=reason, actor=actor, now=now()
    )
    click.echo(f"{ref.reference} is now {ref.status}; its approvals start afresh.")


@register.command("hold")
@click.argument("customer", required=False)
@click.option("--kind", type=click.Choice(HOLD_KINDS), help="What is open about the person.")
@click.option("--reference", default="", help="The request's or case's reference.")
@click.option("--date", "on", type=DATE, help="Date opened or released (default today).")
@click.option("--release", "release_id", type=int, help="Release this hold (by its id).")
@actor_option
@click.pass_obj
def hold(
    app: App,
    *,
    customer: str | None,
    kind: str | None,
    reference: str,
    on: datetime | None,
    release_id: int | None,
    actor: str,
) -> None:
    """Put CUSTOMER under legal hold (no deletion while open), or --release a hold."""
    reg = service(app)
    if release_id is not None:
        reg.release_hold(release_id, on=day(app, on), actor=actor, now=now())
        click.echo(f"Legal hold {release_id} released.")
        return
    if not customer or not kind:
        raise click.UsageError("give CUSTOMER and --kind, or --release ID")
    hold_id = reg.open_hold(
        customer, kind, reference=reference, on=day(app, on), actor=actor, now=now()
    )
    click.echo(f"Legal hold {hold_id} opened.")


@register.command("delete")
@click.argument("cases", nargs=-1)
@click.option("--due", is_flag=True, help="Every dormant case due for deletion.")
@click.option("--reason", default="24 months dormant without further activity", show_default=True)
@click.option("--dry-run", is_flag=True, help="Only list what is due and what blocks it.")
@actor_option
@click.pass_obj
def delete(
    app: App, *, cases: tuple[str, ...], due: bool, reason: str, dry_run: bool, actor: str
) -> None:
    """Delete dormant cases past retention (never held or exempt ones); tombstones remain."""
    reg = service(app)
    targets = list(cases)
    if due or dry_run:
        for item in reg.deletions_due(actor=actor, now=now()):
            blocked = f"  blocked: {'; '.join(item.blocked_by)}" if item.blocked_by else ""
            click.echo(f"{item.reference:<16} due {item.due_on}{blocked}")
            if due and not item.blocked_by:
                targets.append(item.reference)
    if dry_run:
        return
    for key in targets:
        reg.delete(key, reason=reason, actor=actor, now=now())
        click.echo(f"{key} deleted; tombstone kept.")


register.add_command(import_cmd)
register.add_command(export_cmd)
register.add_command(sar_export)
