"""Special measures as data: what the council has imposed, and how it round-trips.

The policy's lists are "not exhaustive", so ``other`` keeps free-form measures,
but everything the software acts on (diversion, cadence) is a typed field. The
same values travel as JSON (the ``cases.measures`` column, the audit log) and
as short codes (the import spreadsheet's "Special measures" column).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal, cast, get_args

from mailrouter.errors import PolicyError

Cadence = Literal["fortnightly", "monthly"]
Medium = Literal["telephone", "letter", "email"]
CADENCES: tuple[str, ...] = get_args(Cadence)
MEDIA: tuple[str, ...] = get_args(Medium)


@dataclass(frozen=True, slots=True)
class CallLimits:
    no_calls: bool = False
    max_calls_per_week: int | None = None
    max_call_minutes: int | None = None
    # Calls are ended with the agreed script.
    scripted_termination: bool = False


@dataclass(frozen=True, slots=True)
class SpecialMeasures:
    divert_email_to_spoc: bool = False
    # Replies go out on this cadence, anchored to the decision date.
    reply_cadence: Cadence | None = None
    one_medium: Medium | None = None
    spoc_only: bool = False
    calls: CallLimits = field(default_factory=CallLimits)
    no_ack_repeated_complaints: bool = False
    via_advocate: bool = False
    third_party_present: bool = False
    council_premises_only: bool = False
    contact_agreement: bool = False
    other: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise PolicyError("; ".join(problems))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["other"] = list(self.other)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpecialMeasures:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"unknown special measures: {', '.join(sorted(unknown))}")
        calls = CallLimits(**cast(dict[str, Any], data.get("calls") or {}))
        values = {k: v for k, v in data.items() if k not in ("calls", "other")}
        return cls(**values, calls=calls, other=tuple(data.get("other") or ()))

    def describe(self) -> list[str]:
        """One plain-English line per measure, for `register show`, letters and SAR exports."""
        lines = [text for name, text in _DESCRIPTIONS if getattr(self, name)]
        if self.reply_cadence:
            lines.insert(1 if self.divert_email_to_spoc else 0, f"Replies {self.reply_cadence}")
        if self.one_medium:
            lines.append(f"One medium of contact only: {self.one_medium}")
        lines.extend(_describe_calls(self.calls))
        lines.extend(f"Other: {text}" for text in self.other)
        return lines

    def with_changes(self, **changes: Any) -> SpecialMeasures:
        return replace(self, **changes)


_DESCRIPTIONS = (
    ("divert_email_to_spoc", "E-mail diverted to the single point of contact"),
    ("spoc_only", "Contact only through the single point of contact"),
    ("no_ack_repeated_complaints", "Repeated complaints on closed cases not acknowledged"),
    ("via_advocate", "Contact through an advocate"),
    ("third_party_present", "Personal contact only with a third party present"),
    ("council_premises_only", "Personal contact only on designated council premises"),
    ("contact_agreement", "Agreement about future contact"),
)


def _describe_calls(calls: CallLimits) -> list[str]:
    lines = ["No telephone calls taken"] if calls.no_calls else []
    if calls.max_calls_per_week is not None:
        lines.append(f"At most {calls.max_calls_per_week} telephone calls a week")
    if calls.max_call_minutes is not None:
        lines.append(f"Calls limited to {calls.max_call_minutes} minutes")
    if calls.scripted_termination:
        lines.append("Calls ended with the agreed script")
    return lines


def validate(measures: SpecialMeasures) -> list[str]:
    problems: list[str] = []
    if measures.reply_cadence is not None and measures.reply_cadence not in CADENCES:
        problems.append(f"reply cadence must be one of {', '.join(CADENCES)}")
    if measures.reply_cadence and not measures.divert_email_to_spoc:
        problems.append("a reply cadence applies only with e-mail diverted to the SPOC")
    if measures.divert_email_to_spoc and not measures.reply_cadence:
        problems.append("e-mail diversion needs a reply cadence (fortnightly or monthly)")
    if measures.one_medium is not None and measures.one_medium not in MEDIA:
        problems.append(f"the one medium must be one of {', '.join(MEDIA)}")
    calls = measures.calls
    for name in ("max_calls_per_week", "max_call_minutes"):
        value = getattr(calls, name)
        if value is not None and (not isinstance(value, int) or value < 1):
            problems.append(f"{name.replace('_', ' ')} must be a positive whole number")
    if calls.no_calls and (calls.max_calls_per_week or calls.max_call_minutes):
        problems.append("'no calls' contradicts a call limit")
    if any(not text.strip() or ";" in text for text in measures.other):
        problems.append("an 'other' measure must be non-empty text without ';'")
    return problems


# Import codes: "divert; cadence=monthly; one-medium=email; max-calls-per-week=2; other=..."
_FLAG_CODES = {
    "divert": "divert_email_to_spoc",
    "spoc-only": "spoc_only",
    "no-ack-repeated": "no_ack_repeated_complaints",
    "via-advocate": "via_advocate",
    "third-party-present": "third_party_present",
    "premises-only": "council_premises_only",
    "agreement": "contact_agreement",
}
_CALL_FLAGS = {"no-calls": "no_calls", "call-script": "scripted_termination"}
_CALL_NUMBERS = {"max-calls-per-week": "max_calls_per_week", "max-call-minutes": "max_call_minutes"}
CODES = (*_FLAG_CODES, *_CALL_FLAGS, "cadence=", "one-medium=", *_CALL_NUMBERS, "other=")


def from_codes(text: str) -> SpecialMeasures:
    """Parse the spreadsheet form; raises ``PolicyError`` naming every unknown code."""
    values: dict[str, Any] = {}
    calls: dict[str, Any] = {}
    other: list[str] = []
    unknown: list[str] = []
    for raw in text.split(";"):
        code, _, arg = (part.strip() for part in raw.partition("="))
        code = code.lower()
        if not code:
            continue
        if code in _FLAG_CODES:
            values[_FLAG_CODES[code]] = True
        elif code in _CALL_FLAGS:
            calls[_CALL_FLAGS[code]] = True
        elif code == "cadence":
            values["reply_cadence"] = arg.lower()
        elif code == "one-medium":
            values["one_medium"] = arg.lower()
        elif code in _CALL_NUMBERS and arg.isdigit():
            calls[_CALL_NUMBERS[code]] = int(arg)
        elif code == "other" and arg:
            other.append(arg)
        else:
            unknown.append(raw.strip())
    if unknown:
        raise PolicyError(f"unknown special measure codes: {', '.join(unknown)}")
    return SpecialMeasures(**values, calls=CallLimits(**calls), other=tuple(other))


def to_codes(measures: SpecialMeasures) -> str:
    """The inverse of ``from_codes`` (``from_codes(to_codes(m)) == m``)."""
    codes = [code for code, name in _FLAG_CODES.items() if getattr(measures, name)]
    codes += [code for code, name in _CALL_FLAGS.items() if getattr(measures.calls, name)]
    if measures.reply_cadence:
        codes.append(f"cadence={measures.reply_cadence}")
    if measures.one_medium:
        codes.append(f"one-medium={measures.one_medium}")
    for code, name in _CALL_NUMBERS.items():
        value = getattr(measures.calls, name)
        if value is not None:
            codes.append(f"{code}={value}")
    codes += [f"other={text}" for text in measures.other]
    return "; ".join(codes)
