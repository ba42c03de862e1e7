"""Outbound mail: the ``Transport`` protocol and its SMTP implementation (used only by actions/)."""
