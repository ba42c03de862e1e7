"""Actions to outbox payloads and back: JSON-safe dicts, checked field by field on the way in.

A payload is written once and read later, possibly by a newer version of
mailrouter, so ``action_of`` validates every field and raises ``ValueError``
on anything malformed (the worker parks such a row with the reason) instead of
building an action from whatever it finds. Tuples are stored as lists,
datetimes as ISO 8601 strings; extra keys (such as a move's ``note``) are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime

from mailrouter.domain import ForwardToOfficer, MoveToFolder, RaiseAlert

FORWARD, MOVE, ALERT = "forward", "move", "alert"
KINDS = (FORWARD, MOVE, ALERT)

OutboxAction = ForwardToOfficer | MoveToFolder | RaiseAlert


def payload_of(action: OutboxAction) -> tuple[str, dict[str, object]]:
    """The outbox kind and JSON-safe payload for ``action``."""
    if isinstance(action, ForwardToOfficer):
        payload = _plain(action)
        payload["then"] = _plain(action.then) if action.then is not None else None
        return FORWARD, payload
    if isinstance(action, MoveToFolder):
        return MOVE, _plain(action)
    return ALERT, _plain(action)


def action_of(kind: str, payload: Mapping[str, object]) -> OutboxAction:
    """The action a payload describes; ``ValueError`` if it is not a valid one."""
    p = _Fields(payload)
    if kind == MOVE:
        return _move(p)
    if kind == FORWARD:
        then = payload.get("then")
        return ForwardToOfficer(
            message_key=p.text("message_key"),
            message_pk=p.integer("message_pk"),
            case_id=p.integer("case_id"),
            to=p.text("to"),
            officer_name=p.text("officer_name"),
            reasons=p.texts("reasons"),
            authenticated=p.flag("authenticated"),
            copy_only=p.flag("copy_only"),
            then=None if then is None else _move(_Fields(_mapping(then, "then"))),
        )
    if kind == ALERT:
        case_id = payload.get("case_id")
        return RaiseAlert(
            message_key=p.text("message_key"),
            message_pk=p.integer("message_pk"),
            kind=p.text("kind"),
            to=p.texts("to"),
            summary=p.text("summary"),
            case_id=None if case_id is None else p.integer("case_id"),
        )
    raise ValueError(f"unknown outbox kind {kind!r}")


def _move(p: _Fields) -> MoveToFolder:
    return MoveToFolder(
        message_key=p.text("message_key"),
        message_pk=p.integer("message_pk"),
        mailbox=p.text("mailbox"),
        folder=p.text("folder"),
        source_key=p.text("source_key"),
        message_id=p.optional_text("message_id"),
        target=p.text("target"),
    )


def _plain(action: MoveToFolder | ForwardToOfficer | RaiseAlert) -> dict[str, object]:
    out: dict[str, object] = {}
    for field in fields(action):
        value = getattr(action, field.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[field.name] = value
    return out


def _mapping(value: object, name: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError(f"payload field {name!r} must be an object")
    return value


class _Fields:
    """Typed reads from a payload, each failing with the field's name."""

    def __init__(self, payload: Mapping[str, object]) -> None:
        self.payload = payload

    def _get(self, name: str, kind: type | tuple[type, ...]) -> object:
        value = self.payload.get(name)
        # bool is an int in Python; a flag must not pass for a number or vice versa.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"payload field {name!r} is missing or of the wrong type")
        return value

    def text(self, name: str) -> str:
        return str(self._get(name, str))

    def optional_text(self, name: str) -> str | None:
        return None if self.payload.get(name) is None else self.text(name)

    def integer(self, name: str) -> int:
        value = self._get(name, int)
        assert isinstance(value, int)
        return value

    def flag(self, name: str) -> bool:
        return bool(self._get(name, bool))

    def texts(self, name: str) -> tuple[str, ...]:
        value = self._get(name, (list, tuple))
        assert isinstance(value, list | tuple)
        if not all(isinstance(item, str) for item in value):
            raise ValueError(f"payload field {name!r} must be a list of strings")
        return tuple(str(item) for item in value)
