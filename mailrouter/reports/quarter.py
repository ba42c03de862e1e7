"""Calendar quarters: ``2026Q4`` is 1 October to 31 December 2026."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_PATTERN = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not a quarter: {text!r} (expected like 2026Q4)")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (inclusive)."""
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def instants(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The quarter as a half-open interval of instants in the council's time zone."""
        after = self.end + timedelta(days=1)
        return datetime.combine(self.start, time(), tz), datetime.combine(after, time(), tz)
