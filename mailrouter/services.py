"""Builds the daemon's collaborators from settings: router, raw loader, forward describer.

Kept apart from ``daemon`` so the CLI, the demo and tests assemble the same
pieces the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.actions.compose import ForwardContext
from mailrouter.classify import Classifier, MessageText
from mailrouter.classify.labels import Label
from mailrouter.classify.paths import MODELS_DIR
from mailrouter.config import Settings
from mailrouter.deadlines import DeadlineKind, deadline_for
from mailrouter.domain import DetectedHit, RoutedMessage
from mailrouter.rawstore import from_settings
from mailrouter.register.queries import register_lookup
from mailrouter.routing import Detector, Router
from mailrouter.store.models import MessageRecord
from mailrouter.store.models.register import Case, Customer
from mailrouter.text import excerpt

log = logging.getLogger(__name__)

DEADLINES: dict[Label, DeadlineKind] = {
    Label.FOI: DeadlineKind.FOI,
    Label.EIR: DeadlineKind.EIR,
    Label.SAR: DeadlineKind.SAR,
    Label.COMPLAINT: DeadlineKind.COMPLAINT_ACKNOWLEDGEMENT,
}


def models_dir(settings: Settings) -> Path:
    configured = settings.detection.models_dir
    return settings.resolve_path(configured) if configured else MODELS_DIR


def detector(settings: Settings) -> Detector | None:
    if not settings.detection.enabled:
        return None
    classifier = Classifier.load(models_dir(settings))
    nation = settings.general.nation
    # FOISA applies to Scottish councils in place of FOIA.
    foi_kind = DeadlineKind.FOISA if nation == "scotland" else DeadlineKind.FOI

    def detect(msg: RoutedMessage, now: datetime) -> tuple[DetectedHit, ...]:
        result = classifier.classify(MessageText(msg.sender or "", msg.subject, msg.text))
        hits = []
        for hit in result.hits:
            kind = foi_kind if hit.label is Label.FOI else DEADLINES.get(hit.label)
            due = deadline_for(kind, msg.received_at, nation) if kind else None
            evidence = " | ".join(span.text(_message_text(msg))[:120] for span in hit.evidence)
            spans = tuple((str(span.field), span.start, span.end) for span in hit.evidence)
            hits.append(
                DetectedHit(hit.label.value, hit.confidence, evidence, due, hit.detector, spans)
            )
        return tuple(hits)

    return detect


def _message_text(msg: RoutedMessage) -> MessageText:
    return MessageText(msg.sender or "", msg.subject, msg.text)


def text_loader(settings: Settings) -> Callable[[Session, MessageRecord], str]:
    raw_store = from_settings(settings)
    limit = settings.detection.max_chars

    def load(session: Session, record: MessageRecord) -> str:
        return excerpt(raw_store.get(session, record.raw_sha256), limit)

    return load


def build_router(settings: Settings) -> Router:
    return Router(
        settings=settings,
        lookup=register_lookup(settings),
        detect=detector(settings),
        load_text=text_loader(settings),
        detect_everyone=settings.detection.everyone,
    )


def raw_loader(settings: Settings, sessions: sessionmaker[Session]) -> Callable[[int], bytes]:
    raw_store = from_settings(settings)

    def load(message_pk: int) -> bytes:
        with sessions() as session:
            record = session.get(MessageRecord, message_pk)
            if record is None:
                raise LookupError(f"no stored message {message_pk}")
            return raw_store.get(session, record.raw_sha256)

    return load


def case_description(session: Session, case_id: int | None) -> tuple[str, str]:
    """(customer name, case reference) for a cover note; placeholders if the case is gone."""
    if case_id is None:
        return "(not on the register)", "-"
    row = session.execute(
        select(Customer.full_name, Case.reference)
        .join(Customer, Customer.id == Case.customer_id)
        .where(Case.id == case_id)
    ).first()
    if row is None:
        return "(case deleted)", f"#{case_id}"
    return row.full_name, row.reference


def describer(
    settings: Settings, sessions: sessionmaker[Session]
) -> Callable[[int, int | None], ForwardContext]:
    def describe(message_pk: int, case_id: int | None) -> ForwardContext:
        with sessions() as session:
            record = session.get(MessageRecord, message_pk)
            if record is None:
                raise LookupError(f"no stored message {message_pk}")
            name, reference = case_description(session, case_id)
            return ForwardContext(
                customer_name=name,
                case_reference=reference,
                mailbox=record.mailbox or record.source,
                received_at=record.received_at,
                subject=record.subject,
            )

    return describe
