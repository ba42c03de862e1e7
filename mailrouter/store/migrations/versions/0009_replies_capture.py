"""replies: capture folders and reply audit

Revision ID: 0009_replies_capture
Revises: 0008_flags_alias
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0009_replies_capture"
down_revision = "0008_flags_alias"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
