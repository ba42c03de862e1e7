"""flags: alias evidence and near-duplicate fingerprints

Revision ID: 0008_flags_alias
Revises: 0007_digests
Create Date: 2026-11-29
"""

from __future__ import annotations

revision = "0008_flags_alias"
down_revision = "0007_digests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
