"""From a verdict and the hits behind it to the actions that carry it out (pure)."""

from __future__ import annotations

from mailrouter.domain import (
    Action,
    CaseMatch,
    CaseStatus,
    DecisionContext,
    ForwardToOfficer,
    Hit,
    MoveToFolder,
    RaiseAlert,
    RecordContact,
    RoutedMessage,
    Verdict,
)
from mailrouter.pipeline.steps import authentication, safety, statutory

ALERT_KINDS = {"threat": "threat", "welfare": "welfare"}


def plan(
    msg: RoutedMessage, ctx: DecisionContext, verdict: Verdict, hits: tuple[Hit, ...]
) -> tuple[Action, ...]:
    reasons = tuple(f"{h.step}: {h.detail}" for h in hits)
    actions: list[Action] = []
    diverting = next((m for m in ctx.matches if m.diversion_effective), None)
    if diverting is not None and verdict in (Verdict.divert, Verdict.deliver_and_copy):
        actions.extend(_forward(msg, ctx, diverting, verdict, reasons))
    for match in ctx.matches:
        if match is diverting or match.status is CaseStatus.deleted:
            continue
        kind = "recommenced" if match.status is CaseStatus.dormant else "evidence"
        actions.append(RecordContact(msg.pk, match.case_id, kind))
        if kind == "recommenced":
            actions.append(_alert(msg, "recommenced", (ctx.ig_address,), match, reasons))
    actions.extend(_alerts(msg, ctx, diverting, hits, reasons))
    return tuple(actions)


def _forward(
    msg: RoutedMessage,
    ctx: DecisionContext,
    match: CaseMatch,
    verdict: Verdict,
    reasons: tuple[str, ...],
) -> list[Action]:
    copy_only = verdict is Verdict.deliver_and_copy
    # A stage 2 case without a SPOC is a register error; IG gets the mail rather than nobody.
    to = match.spoc_email or ctx.ig_address
    forward = ForwardToOfficer(
        message_key=msg.key,
        message_pk=msg.pk,
        case_id=match.case_id,
        to=to,
        officer_name=match.spoc_name or "Information Governance",
        reasons=reasons,
        authenticated=authentication.authenticated(msg.authentication_results) is not False,
        copy_only=copy_only,
        then=None
        if copy_only
        else MoveToFolder(
            message_key=msg.key,
            message_pk=msg.pk,
            mailbox=msg.mailbox,
            folder=msg.folder,
            source_key=msg.source_key,
            message_id=msg.message_id,
            target=ctx.managed_folder,
        ),
    )
    kind = "copied" if copy_only else "diverted"
    return [forward, RecordContact(msg.pk, match.case_id, kind)]


def _alerts(
    msg: RoutedMessage,
    ctx: DecisionContext,
    diverting: CaseMatch | None,
    hits: tuple[Hit, ...],
    reasons: tuple[str, ...],
) -> list[Action]:
    labels = {h.label for h in ctx.hits}
    match = diverting or (ctx.matches[0] if ctx.matches else None)
    service = (ctx.ig_address, *ctx.alert_addresses)
    alerts: list[Action] = [
        _alert(msg, kind, service, match, reasons)
        for label, kind in ALERT_KINDS.items()
        if label in labels and any(h.step == safety.NAME for h in hits)
    ]
    # Statutory requests from a diverted customer must not wait for the SPOC's next read.
    if diverting is not None and any(h.step == statutory.NAME for h in hits):
        to = tuple(a for a in (ctx.ig_address, diverting.spoc_email) if a)
        alerts.append(_alert(msg, "statutory", to, diverting, reasons))
    return alerts


def _alert(
    msg: RoutedMessage,
    kind: str,
    to: tuple[str, ...],
    match: CaseMatch | None,
    reasons: tuple[str, ...],
) -> RaiseAlert:
    recipients = tuple(dict.fromkeys(a for a in to if a))
    return RaiseAlert(
        message_key=msg.key,
        message_pk=msg.pk,
        kind=kind,
        to=recipients,
        summary="; ".join(reasons),
        case_id=match.case_id if match else None,
    )
