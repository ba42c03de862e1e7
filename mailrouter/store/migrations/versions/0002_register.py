"""register: customers, identities, cases, approvals, notices, reviews, holds, deletions, audit

Revision ID: 0002_register
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mailrouter.store.models.base

revision = "0002_register"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_DATETIME = mailrouter.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UTC_DATETIME(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("redacted_at", UTC_DATETIME(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_log_prev_hash")),
        sa.UniqueConstraint("row_hash", name=op.f("uq_audit_log_row_hash")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_log_seq")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_case", ["case_id"], unique=False)
        batch_op.create_index("ix_audit_log_customer", ["customer_id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=False),
        sa.Column("postal_address", sa.Text(), nullable=True),
        sa.Column("pre_policy", sa.Boolean(), nullable=False),
        sa.Column("repeated_history", sa.Boolean(), nullable=False),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_table(
        "deletion_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("case_reference", sa.String(length=40), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("dormant_since", sa.Date(), nullable=True),
        sa.Column("deleted_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deletion_log")),
        sa.UniqueConstraint("case_id", name=op.f("uq_deletion_log_case_id")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("round_started_on", sa.Date(), nullable=False),
        sa.Column("extreme_reason", sa.Text(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("spoc_id", sa.String(length=100), nullable=True),
        sa.Column("deputy_spoc_id", sa.String(length=100), nullable=True),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("divert_email", sa.Boolean(), nullable=False),
        sa.Column("reply_cadence", sa.String(length=20), nullable=True),
        sa.Column("decision_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("diversion_from", sa.Date(), nullable=True),
        sa.Column("last_review_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("dormant_since", sa.Date(), nullable=True),
        sa.Column("last_activity_on", sa.Date(), nullable=True),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.Column("updated_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_cases_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_customer", ["customer_id"], unique=False)
        batch_op.create_index("ix_cases_status", ["status"], unique=False)

    op.create_table(
        "customer_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("normalized", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_aliases_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_aliases")),
    )
    with op.batch_alter_table("customer_aliases", schema=None) as batch_op:
        batch_op.create_index("ix_customer_aliases_customer", ["customer_id"], unique=False)
        batch_op.create_index(
            "ix_customer_aliases_kind_normalized", ["kind", "normalized"], unique=False
        )

    op.create_table(
        "customer_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("normalized", sa.String(length=320), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_emails_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_emails")),
        sa.UniqueConstraint("normalized", name=op.f("uq_customer_emails_normalized")),
    )
    with op.batch_alter_table("customer_emails", schema=None) as batch_op:
        batch_op.create_index("ix_customer_emails_customer", ["customer_id"], unique=False)

    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_legal_holds_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index("ix_legal_holds_customer", ["customer_id"], unique=False)

    op.create_table(
        "representatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_representatives_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_representatives")),
    )
    with op.batch_alter_table("representatives", schema=None) as batch_op:
        batch_op.create_index("ix_representatives_customer", ["customer_id"], unique=False)

    op.create_table(
        "case_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("approver_name", sa.String(length=300), nullable=False),
        sa.Column("approver_email", sa.String(length=320), nullable=True),
        sa.Column("approver_key", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=30), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_approvals_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_approvals")),
    )
    with op.batch_alter_table("case_approvals", schema=None) as batch_op:
        batch_op.create_index("ix_case_approvals_approver_email", ["approver_email"], unique=False)
        batch_op.create_index("ix_case_approvals_approver_key", ["approver_key"], unique=False)
        batch_op.create_index("ix_case_approvals_case_round", ["case_id", "round"], unique=False)

    op.create_table(
        "case_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_notices_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notices")),
    )
    with op.batch_alter_table("case_notices", schema=None) as batch_op:
        batch_op.create_index("ix_case_notices_case", ["case_id"], unique=False)

    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("considered", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("previous_expiry", sa.Date(), nullable=True),
        sa.Column("new_expiry", sa.Date(), nullable=True),
        sa.Column("reviewers", sa.Text(), nullable=False),
        sa.Column("staff_note", sa.Text(), nullable=True),
        sa.Column("recorded_at", UTC_DATETIME(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_reviews_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reviews")),
    )
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_case_reviews_case", ["case_id"], unique=False)

    # The chain starts from an all-zero hash; the head row is locked by every append.
    audit_head = sa.table(
        "audit_head",
        sa.column("id", sa.Integer()),
        sa.column("seq", sa.Integer()),
        sa.column("row_hash", sa.String()),
    )
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "row_hash": "0" * 64}])


def downgrade() -> None:
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_case_reviews_case")

    op.drop_table("case_reviews")
    with op.batch_alter_table("case_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_case_notices_case")

    op.drop_table("case_notices")
    with op.batch_alter_table("case_approvals", schema=None) as batch_op:
        batch_op.drop_index("ix_case_approvals_case_round")
        batch_op.drop_index("ix_case_approvals_approver_key")
        batch_op.drop_index("ix_case_approvals_approver_email")

    op.drop_table("case_approvals")
    with op.batch_alter_table("representatives", schema=None) as batch_op:
        batch_op.drop_index("ix_representatives_customer")

    op.drop_table("representatives")
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_holds_customer")

    op.drop_table("legal_holds")
    with op.batch_alter_table("customer_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_emails_customer")

    op.drop_table("customer_emails")
    with op.batch_alter_table("customer_aliases", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_aliases_kind_normalized")
        batch_op.drop_index("ix_customer_aliases_customer")

    op.drop_table("customer_aliases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_status")
        batch_op.drop_index("ix_cases_customer")

    op.drop_table("cases")
    op.drop_table("deletion_log")
    op.drop_table("customers")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_customer")
        batch_op.drop_index("ix_audit_log_case")

    op.drop_table("audit_log")
    op.drop_table("audit_head")
