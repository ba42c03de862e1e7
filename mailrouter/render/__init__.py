"""Rendering helpers shared by the CLI and the tests (headless Chromium)."""
