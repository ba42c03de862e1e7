"""mailrouter: a council's Managed Contact Policy, applied to e-mail."""

__version__ = "0.1.0"
