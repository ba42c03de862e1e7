"""The error family every module raises; the CLI turns these into clear messages."""

from __future__ import annotations


class MailrouterError(Exception):
    """Base class: a problem mailrouter understands and can explain to an operator."""


class ConfigError(MailrouterError):
    """The configuration is invalid; ``problems`` lists every one found, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StoreError(MailrouterError):
    """The database is unusable as it stands (for example not migrated)."""


class TransientError(MailrouterError):
    """A failure worth retrying later: a server down, a timeout, a lock."""


class PermanentError(MailrouterError):
    """A failure that retrying will not fix: the row is parked for a person to look at."""


class PolicyError(MailrouterError):
    """An action the Managed Contact Policy does not allow (an illegal transition, say)."""
