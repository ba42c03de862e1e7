"""`register sar-export`: everything held on a person, as JSON and a readable HTML page.

Covers the register entry (identities, case, measures, approvals, notices,
reviews, holds), the metadata of their stored messages, any flags raised about
them (when the detection tables exist) and the audit trail about them. Staff-
only notes are withheld and representatives' details are withheld as
third-party data (``views.case_detail(redact=True)``). The HTML is rendered
with autoescaping on: the customer's own words must not become markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from sqlalchemy import MetaData, Table, inspect, or_, select
from sqlalchemy.orm import Session

from mailrouter.register import audit
from mailrouter.register.records import Context, case_of, record
from mailrouter.register.views import STAFF_ONLY, case_detail
from mailrouter.store.models.messages import MessageAddress, MessageRecord
from mailrouter.store.models.register import AuditRow, Customer, CustomerEmail

FLAG_TABLE = "flags"


def collect(session: Session, ctx: Context, customer: Customer) -> dict[str, Any]:
    """Gather the export and audit that it was made (in the caller's transaction)."""
    case = case_of(session, customer)
    emails = list(
        session.scalars(
            select(CustomerEmail.normalized).where(CustomerEmail.customer_id == customer.id)
        )
    )
    # Recorded first, so the export lists itself among the reads of the record.
    record(
        session, ctx, "customer.sar_exported", customer, customer_id=customer.id, case_id=case.id
    )
    data = {
        "generated_at": ctx.now.isoformat(),
        "generated_by": ctx.actor,
        "customer_id": customer.id,
        "register": case_detail(session, case, redact=True),
        "messages": _messages(session, emails),
        "flags": _flags(session, customer.id, emails),
        "audit": _audit_rows(session, customer.id),
    }
    result: dict[str, Any] = audit.jsonable(data)
    return result


def _messages(session: Session, emails: list[str]) -> list[dict[str, Any]]:
    if not emails:
        return []
    query = (
        select(MessageRecord, MessageAddress.role)
        .join(MessageAddress, MessageAddress.message_pk == MessageRecord.id)
        .where(MessageAddress.address.in_(emails))
        .order_by(MessageRecord.received_at, MessageRecord.id)
    )
    found: dict[int, dict[str, Any]] = {}
    for message, role in session.execute(query):
        entry = found.setdefault(
            message.id,
            {
                "message": message.id,
                "received_at": message.received_at,
                "mailbox": message.mailbox or message.source,
                "subject": message.subject,
                "message_id": message.message_id,
                "size": message.size,
                "attachments": [a.get("filename") for a in message.attachments or []],
                "your_role": [],
            },
        )
        entry["your_role"].append(role)
    return list(found.values())


def _flags(session: Session, customer_id: int, emails: list[str]) -> list[dict[str, Any]]:
    """Rows about the person in the detection engineer's flag table, if there is one."""
    if not inspect(session.connection()).has_table(FLAG_TABLE):
        return []
    flags = Table(FLAG_TABLE, MetaData(), autoload_with=session.connection())
    conditions = []
    if "customer_id" in flags.c:
        conditions.append(flags.c.customer_id == customer_id)
    for name in ("sender", "address"):
        if name in flags.c and emails:
            conditions.append(flags.c[name].in_(emails))
    if not conditions:
        return []
    rows = session.execute(select(flags).where(or_(*conditions))).mappings()
    return [{k: (STAFF_ONLY if "note" in k and v else v) for k, v in row.items()} for row in rows]


def _audit_rows(session: Session, customer_id: int) -> list[dict[str, Any]]:
    # Who did what and when; the before/after payloads repeat the register (and staff notes).
    rows = session.scalars(
        select(AuditRow).where(AuditRow.customer_id == customer_id).order_by(AuditRow.seq)
    )
    return [{"at": r.at, "actor": r.actor, "action": r.action} for r in rows]


def write(data: dict[str, Any], out_dir: Path, council_name: str) -> tuple[Path, Path]:
    """Write ``customer-<id>.json`` and ``.html`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"sar-customer-{data['customer_id']}"
    json_path, html_path = stem.with_suffix(".json"), stem.with_suffix(".html")
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    env = Environment(loader=PackageLoader("mailrouter", "templates"), autoescape=True)
    html = env.get_template("sar_export.html.j2").render(data=data, council=council_name)
    html_path.write_text(html, encoding="utf-8")
    return json_path, html_path
