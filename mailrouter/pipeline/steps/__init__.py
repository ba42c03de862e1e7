"""One decision step per module: ``NAME`` and ``check(msg, ctx) -> tuple[Hit, ...]``."""
