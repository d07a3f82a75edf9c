"""jobs: provisioning jobs, their transitions, configuration versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _common() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
    ]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "provisioning_jobs",
        *_common(),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("device_name", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("output", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE",
                                name=op.f("fk_provisioning_jobs_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE",
                                name=op.f("fk_provisioning_jobs_device_id_devices")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE",
                                name=op.f("fk_provisioning_jobs_agent_id_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provisioning_jobs")),
        sa.UniqueConstraint("tenant_id", "idempotency_key",
                            name=op.f("uq_provisioning_jobs_tenant_id")),
    )
    op.create_index(op.f("ix_provisioning_jobs_tenant_id"), "provisioning_jobs", ["tenant_id"])
    op.create_index(op.f("ix_provisioning_jobs_agent_id"), "provisioning_jobs", ["agent_id"])
    op.create_index(op.f("ix_provisioning_jobs_state"), "provisioning_jobs", ["state"])
    op.create_index("ix_provisioning_jobs_device_state", "provisioning_jobs",
                    ["device_id", "state"])
    op.create_table(
        "job_transitions",
        *_common(),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE",
                                name=op.f("fk_job_transitions_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["job_id"], ["provisioning_jobs.id"], ondelete="CASCADE",
                                name=op.f("fk_job_transitions_job_id_provisioning_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_transitions")),
    )
    op.create_index(op.f("ix_job_transitions_tenant_id"), "job_transitions", ["tenant_id"])
    op.create_index(op.f("ix_job_transitions_job_id"), "job_transitions", ["job_id"])
    op.create_table(
        "config_versions",
        *_common(),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE",
                                name=op.f("fk_config_versions_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE",
                                name=op.f("fk_config_versions_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_versions")),
        sa.UniqueConstraint("device_id", "version", name=op.f("uq_config_versions_device_id")),
    )
    op.create_index(op.f("ix_config_versions_tenant_id"), "config_versions", ["tenant_id"])
    op.create_index(op.f("ix_config_versions_device_id"), "config_versions", ["device_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("config_versions")
    op.drop_table("job_transitions")
    op.drop_table("provisioning_jobs")
