"""The web console: health, metrics, signed read links and read-only IG pages."""
