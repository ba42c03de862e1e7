"""retention of stored mail and sender traits

Revision ID: 0010_retention
Revises: 0009_replies_capture
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0010_retention"
down_revision = "0009_replies_capture"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
