"""Outbox payloads: actions survive a JSON round trip, and malformed payloads are refused."""

from __future__ import annotations

import json

import pytest

from mailrouter.actions.outbox import action_of, payload_of
from mailrouter.domain import ForwardToOfficer, MoveToFolder, RaiseAlert

MOVE = MoveToFolder(
    message_key="intake:17:4",
    message_pk=4,
    mailbox="intake",
    folder="INBOX",
    source_key="17:4",
    message_id="<a@example.org>",
    target="Managed contact",
)
FORWARD = ForwardToOfficer(
    message_key="intake:17:4",
    message_pk=4,
    case_id=2,
    to="spoc@council.example",
    officer_name="Sam",
    reasons=("register-match: stage 2", "carve-out: payment"),
    authenticated=False,
    copy_only=True,
    then=MOVE,
)
ACTIONS: list[ForwardToOfficer | MoveToFolder | RaiseAlert] = [
    MOVE,
    FORWARD,
    ForwardToOfficer("k", 1, 2, "s@c.example", "S", (), True),
    RaiseAlert("intake:17:4", 4, "threat", ("ig@c.example",), "safety-concern: threat", None),
    RaiseAlert("intake:17:4", 4, "statutory", ("ig@c.example", "s@c.example"), "due", 2),
]


@pytest.mark.parametrize("action", ACTIONS)
def test_round_trip_through_json(action: ForwardToOfficer | MoveToFolder | RaiseAlert) -> None:
    kind, payload = payload_of(action)
    assert action_of(kind, json.loads(json.dumps(payload))) == action


def test_extra_keys_are_ignored() -> None:
    kind, payload = payload_of(MOVE)
    assert action_of(kind, {**payload, "note": "moved by a person"}) == MOVE


@pytest.mark.parametrize(
    ("kind", "payload", "problem"),
    [
        ("move", {**payload_of(MOVE)[1], "message_pk": "4"}, "message_pk"),
        ("move", {**payload_of(MOVE)[1], "message_pk": True}, "message_pk"),
        ("forward", {**payload_of(FORWARD)[1], "reasons": [1]}, "reasons"),
        ("forward", {**payload_of(FORWARD)[1], "then": "x"}, "then"),
        ("alert", {}, "message_key"),
        ("reply", {}, "unknown outbox kind"),
    ],
)
def test_malformed_payloads_are_refused(
    kind: str, payload: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        action_of(kind, payload)
