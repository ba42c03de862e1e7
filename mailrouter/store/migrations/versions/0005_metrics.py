"""metrics: per-sender contact counters and the flag queue (placeholder until filled)

Revision ID: 0005_metrics
Revises: 0004_routing
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0005_metrics"
down_revision = "0004_routing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
