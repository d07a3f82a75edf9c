"""invoice and credit-note PDFs (issue #20)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 09:30:00.000000

billing_profiles: who issues a tenant's invoices (legal name, address, tax id, logo).
billing_invoice_documents: the PDF of each finalized invoice or credit note, rendered once
(bytes and SHA-256), one per invoice. billing_document_mails: the documents owed to
customers by e-mail (pending, sent, failed), claimed by the mailer with SKIP LOCKED.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owned(table: str) -> list[sa.Column[object] | sa.Constraint]:
    """The id, creation time and tenant of a tenant-owned row (hub.db.TenantOwned)."""
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f(f"fk_{table}_tenant_id_tenants"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    """Create the profile, document and document mail tables."""
    op.create_table(
        "billing_profiles",
        sa.Column("legal_name", sa.String(length=200), nullable=False),
        sa.Column("address_lines", sa.JSON(), nullable=False),
        sa.Column("tax_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("payment_details", sa.Text(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_owned("billing_profiles"),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_billing_profiles_tenant_id")),
    )
    op.create_index(op.f("ix_billing_profiles_tenant_id"), "billing_profiles", ["tenant_id"])
    op.create_table(
        "billing_invoice_documents",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("filename", sa.String(length=128), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        *_owned("billing_invoice_documents"),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["billing_invoices.id"],
            name=op.f("fk_billing_invoice_documents_invoice_id_billing_invoices"),
            ondelete="CASCADE"),
        sa.UniqueConstraint("invoice_id", name=op.f("uq_billing_invoice_documents_invoice_id")),
    )
    op.create_index(op.f("ix_billing_invoice_documents_tenant_id"),
                    "billing_invoice_documents", ["tenant_id"])
    op.create_table(
        "billing_document_mails",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        *_owned("billing_document_mails"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["billing_invoice_documents.id"],
            name=op.f("fk_billing_document_mails_document_id_billing_invoice_documents"),
            ondelete="CASCADE"),
        sa.UniqueConstraint("document_id", "recipient",
                            name=op.f("uq_billing_document_mails_document_id")),
    )
    op.create_index(op.f("ix_billing_document_mails_tenant_id"), "billing_document_mails",
                    ["tenant_id"])
    op.create_index(op.f("ix_billing_document_mails_document_id"), "billing_document_mails",
                    ["document_id"])
    op.create_index("ix_billing_document_mails_due", "billing_document_mails",
                    ["status", "next_attempt_at"])


def downgrade() -> None:
    """Drop them (issued PDFs are lost: back up billing_invoice_documents first)."""
    op.drop_table("billing_document_mails")
    op.drop_table("billing_invoice_documents")
    op.drop_table("billing_profiles")
