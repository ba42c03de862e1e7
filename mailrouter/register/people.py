"""Operations on people: a new customer and case, identities, representatives, legal holds.

Each function works in the caller's transaction and audits what it changes;
``service.Register`` wraps each in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.domain import CaseStatus
from mailrouter.errors import PolicyError
from mailrouter.register import states
from mailrouter.register.records import (
    Context,
    UnknownRecord,
    check_reference,
    name_key,
    phone_key,
    record,
    snapshot,
    store_state,
)
from mailrouter.store.models.register import (
    Case,
    Customer,
    CustomerAlias,
    CustomerEmail,
    LegalHold,
    Representative,
)

REPRESENTATIVE_KINDS = ("advocate", "solicitor", "councillor", "mp", "relative", "other")
HOLD_KINDS = ("foi", "eir", "sar", "complaint", "ombudsman", "litigation")


@dataclass(frozen=True, slots=True)
class Identities:
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewCustomer:
    full_name: str
    identities: Identities = field(default_factory=Identities)
    postal_address: str | None = None
    pre_policy: bool = False
    repeated_history: bool = False
    staff_note: str | None = None


@dataclass(frozen=True, slots=True)
class NewCase:
    stage: CaseStatus
    opened_on: date
    extreme_reason: str | None = None
    reference: str | None = None
    spoc_id: str | None = None
    deputy_spoc_id: str | None = None
    staff_note: str | None = None


@dataclass(frozen=True, slots=True)
class NewRepresentative:
    kind: str
    name: str
    email: str | None = None
    phone: str | None = None


def add_customer(session: Session, ctx: Context, person: NewCustomer, new: NewCase) -> Case:
    if not person.full_name.strip():
        raise PolicyError("a customer needs a name")
    if new.opened_on > ctx.today:
        raise PolicyError("a case cannot be opened in the future")
    state = states.open_case(new.stage, new.opened_on, new.extreme_reason)
    check_spocs(ctx, new.spoc_id, new.deputy_spoc_id)
    if new.reference:
        taken = select(Case.id).where(Case.reference == check_reference(new.reference))
        if session.scalars(taken).first() is not None:
            raise PolicyError(f"case reference {new.reference} is already in use")
    customer = Customer(
        full_name=person.full_name.strip(),
        postal_address=person.postal_address,
        pre_policy=person.pre_policy,
        repeated_history=person.repeated_history,
        staff_note=person.staff_note,
        created_at=ctx.now,
    )
    session.add(customer)
    session.flush()
    add_identities(session, ctx, customer, person.identities, audited=False)
    after = customer_snapshot(session, customer)
    record(
        session, ctx, "customer.added", customer, customer_id=customer.id, case_id=None, after=after
    )
    case = _new_case(ctx, customer, new, state)
    session.add(case)
    session.flush()
    if not new.reference:
        case.reference = f"MC-{new.opened_on.year}-{case.id:04d}"
    record(
        session,
        ctx,
        "case.opened",
        case,
        customer_id=customer.id,
        case_id=case.id,
        after=snapshot(case),
    )
    return case


def _new_case(ctx: Context, customer: Customer, new: NewCase, state: states.CaseState) -> Case:
    case = Case(
        reference=check_reference(new.reference) if new.reference else _placeholder(customer),
        customer_id=customer.id,
        status=state.status.value,
        opened_on=new.opened_on,
        round_started_on=new.opened_on,
        extreme_reason=new.extreme_reason,
        status_reason=new.extreme_reason,
        spoc_id=new.spoc_id,
        deputy_spoc_id=new.deputy_spoc_id,
        measures={},
        staff_note=new.staff_note,
        created_at=ctx.now,
    )
    store_state(case, state, ctx.now)
    return case


def _placeholder(customer: Customer) -> str:
    # Replaced by "MC-<year>-<case id>" once the database has given the case its id.
    return f"PENDING-{customer.id}"


def check_spocs(ctx: Context, spoc: str | None, deputy: str | None) -> None:
    for value in (spoc, deputy):
        if value and ctx.spoc_ids and value not in ctx.spoc_ids:
            raise PolicyError(f"no SPOC with id {value!r} is configured ([[spocs]] in the config)")
    if spoc and deputy and spoc == deputy:
        raise PolicyError("the deputy SPOC must be someone other than the SPOC")


def customer_snapshot(session: Session, customer: Customer) -> dict[str, object]:
    emails = session.scalars(select(CustomerEmail).where(CustomerEmail.customer_id == customer.id))
    aliases = session.scalars(select(CustomerAlias).where(CustomerAlias.customer_id == customer.id))
    return {
        **snapshot(customer),
        "emails": sorted(e.normalized for e in emails),
        "aliases": sorted(f"{a.kind}:{a.value}" for a in aliases),
    }


def add_identities(
    session: Session, ctx: Context, customer: Customer, found: Identities, *, audited: bool = True
) -> None:
    """Add addresses, phones and names; an address already on the register is refused."""
    before = customer_snapshot(session, customer) if audited else None
    seen: set[str] = set()
    for address in found.emails:
        normalized = ctx.email(address)
        if normalized in seen:
            continue
        seen.add(normalized)
        _check_email_free(session, normalized, customer.id)
        session.add(
            CustomerEmail(
                customer_id=customer.id,
                address=address.strip(),
                normalized=normalized,
                added_on=ctx.today,
            )
        )
    for phone in found.phones:
        session.add(
            CustomerAlias(
                customer_id=customer.id,
                kind="phone",
                value=phone.strip(),
                normalized=phone_key(phone),
            )
        )
    for name in found.names:
        if name.strip():
            session.add(
                CustomerAlias(
                    customer_id=customer.id,
                    kind="name",
                    value=name.strip(),
                    normalized=name_key(name),
                )
            )
    if audited:
        session.flush()
        record(
            session,
            ctx,
            "customer.identities_added",
            customer,
            customer_id=customer.id,
            case_id=None,
            before=before,
            after=customer_snapshot(session, customer),
        )


def _check_email_free(session: Session, normalized: str, customer_id: int) -> None:
    owner = session.scalars(
        select(CustomerEmail.customer_id).where(CustomerEmail.normalized == normalized)
    ).first()
    if owner is not None:
        whose = "this customer" if owner == customer_id else f"customer {owner}"
        raise PolicyError(f"{normalized} is already registered to {whose}")
    rep = select(Representative.id).where(
        Representative.customer_id == customer_id, Representative.email == normalized
    )
    if session.scalars(rep).first() is not None:
        raise PolicyError(f"{normalized} is a representative's address, not the customer's")


def add_representative(
    session: Session, ctx: Context, customer: Customer, new: NewRepresentative
) -> Representative:
    """Someone acting for the customer; their mail is never matched as the customer's."""
    if new.kind not in REPRESENTATIVE_KINDS:
        raise PolicyError(f"representative kind must be one of {', '.join(REPRESENTATIVE_KINDS)}")
    if not new.name.strip():
        raise PolicyError("a representative needs a name")
    email = ctx.email(new.email) if new.email else None
    taken = select(CustomerEmail.id).where(CustomerEmail.normalized == email)
    if email and session.scalars(taken).first() is not None:
        raise PolicyError(f"{email} is registered as a customer's own address")
    rep = Representative(
        customer_id=customer.id, kind=new.kind, name=new.name.strip(), email=email, phone=new.phone
    )
    session.add(rep)
    record(
        session,
        ctx,
        "representative.added",
        rep,
        customer_id=customer.id,
        case_id=None,
        after=snapshot(rep),
    )
    return rep


def open_hold(
    session: Session, ctx: Context, customer: Customer, kind: str, *, reference: str, on: date
) -> LegalHold:
    """A request or proceeding about the person: nothing of theirs is deleted while it is open."""
    if kind not in HOLD_KINDS:
        raise PolicyError(f"a legal hold is one of {', '.join(HOLD_KINDS)}")
    hold = LegalHold(customer_id=customer.id, kind=kind, reference=reference, opened_on=on)
    session.add(hold)
    record(
        session,
        ctx,
        "hold.opened",
        hold,
        customer_id=customer.id,
        case_id=None,
        after=snapshot(hold),
    )
    return hold


def release_hold(session: Session, ctx: Context, hold_id: int, on: date) -> LegalHold:
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise UnknownRecord(f"no legal hold {hold_id}")
    if hold.released_on is not None:
        raise PolicyError(f"legal hold {hold_id} was already released on {hold.released_on}")
    if on < hold.opened_on:
        raise PolicyError("a hold cannot be released before it was opened")
    before = snapshot(hold)
    hold.released_on = on
    record(
        session,
        ctx,
        "hold.released",
        hold,
        customer_id=hold.customer_id,
        case_id=None,
        before=before,
        after=snapshot(hold),
    )
    return hold


def open_holds(session: Session, customer_id: int) -> list[str]:
    rows = session.scalars(
        select(LegalHold).where(
            LegalHold.customer_id == customer_id, LegalHold.released_on.is_(None)
        )
    )
    return [f"{h.kind.upper()} {h.reference}".strip() for h in rows]


def exemptions(customer: Customer) -> list[str]:
    found = ["under arrangements before the policy"] if customer.pre_policy else []
    if customer.repeated_history:
        found.append("repeated history of contact")
    return found
