"""edge config: credential sets, what agents need to poll a device, config state, discoveries

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 02:27:23.566465

Issue #17 makes the hub the source of truth for what agents poll. Devices gain the polling
settings an agent needs (ports, telemetry, timing, enabled and maintenance flags, references
to credential sets); existing devices keep today's defaults (SNMP on 161, every 60 s,
enabled, no credential set: their agents still poll them from agent.yaml until an operator
assigns sets). New tables: credential_sets (secrets sealed), agent_config_state (desired,
pushed and applied version per agent), discoveries and discovery_candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "credential_sets",
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("public", sa.JSON(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_credential_sets_site_id_sites"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_credential_sets_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_sets")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_credential_sets_tenant_id")),
    )
    op.create_index(
        op.f("ix_credential_sets_site_id"), "credential_sets", ["site_id"], unique=False
    )
    op.create_index(
        op.f("ix_credential_sets_tenant_id"), "credential_sets", ["tenant_id"], unique=False
    )
    op.create_table(
        "agent_config_state",
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("desired_version", sa.BigInteger(), nullable=False),
        sa.Column("desired_hash", sa.String(length=64), nullable=False),
        sa.Column("desired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("desired_devices", sa.Integer(), nullable=False),
        sa.Column("pushed_version", sa.BigInteger(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_version", sa.BigInteger(), nullable=False),
        sa.Column("applied_hash", sa.String(length=64), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_error_code", sa.String(length=32), nullable=True),
        sa.Column("last_error_detail", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_config_state_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_agent_config_state_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_config_state")),
    )
    op.create_index(
        op.f("ix_agent_config_state_tenant_id"), "agent_config_state", ["tenant_id"], unique=False
    )
    op.create_table(
        "discoveries",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("cidrs", sa.JSON(), nullable=False),
        sa.Column("credential_set_ids", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("scanned", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_discoveries_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_discoveries_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_discoveries_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discoveries")),
    )
    op.create_index(op.f("ix_discoveries_agent_id"), "discoveries", ["agent_id"], unique=False)
    op.create_index(op.f("ix_discoveries_site_id"), "discoveries", ["site_id"], unique=False)
    op.create_index(op.f("ix_discoveries_tenant_id"), "discoveries", ["tenant_id"], unique=False)
    op.create_table(
        "discovery_candidates",
        sa.Column("discovery_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("credential_set_id", sa.Uuid(), nullable=True),
        sa.Column("sys_name", sa.String(length=256), nullable=True),
        sa.Column("sys_descr", sa.Text(), nullable=True),
        sa.Column("sys_object_id", sa.String(length=512), nullable=True),
        sa.Column("profile", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("vendor", sa.String(length=256), nullable=True),
        sa.Column("model", sa.String(length=256), nullable=True),
        sa.Column("serial", sa.String(length=256), nullable=True),
        sa.Column("adopted_device_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["adopted_device_id"],
            ["devices.id"],
            name=op.f("fk_discovery_candidates_adopted_device_id_devices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["discovery_id"],
            ["discoveries.id"],
            name=op.f("fk_discovery_candidates_discovery_id_discoveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discovery_candidates")),
        sa.UniqueConstraint(
            "discovery_id", "address", "port", name=op.f("uq_discovery_candidates_discovery_id")
        ),
    )
    op.create_index(
        op.f("ix_discovery_candidates_discovery_id"),
        "discovery_candidates",
        ["discovery_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_discovery_candidates_tenant_id"),
        "discovery_candidates",
        ["tenant_id"],
        unique=False,
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("snmp_port", sa.Integer(), server_default="161", nullable=False)
        )
        batch_op.add_column(
            sa.Column("ssh_port", sa.Integer(), server_default="22", nullable=False)
        )
        batch_op.add_column(
            sa.Column("telemetry", sa.String(length=8), server_default="snmp", nullable=False)
        )
        batch_op.add_column(
            sa.Column("interval_s", sa.Float(), server_default="60", nullable=False)
        )
        batch_op.add_column(sa.Column("timeout_s", sa.Float(), server_default="2", nullable=False))
        batch_op.add_column(sa.Column("retries", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("enabled", sa.Boolean(), server_default="true", nullable=False)
        )
        batch_op.add_column(
            sa.Column("maintenance", sa.Boolean(), server_default="false", nullable=False)
        )
        batch_op.add_column(sa.Column("snmp_credential_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("ssh_credential_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_devices_snmp_credential_id"), ["snmp_credential_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_devices_ssh_credential_id"), ["ssh_credential_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_devices_snmp_credential_id_credential_sets"),
            "credential_sets",
            ["snmp_credential_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_devices_ssh_credential_id_credential_sets"),
            "credential_sets",
            ["ssh_credential_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_devices_ssh_credential_id_credential_sets"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_devices_snmp_credential_id_credential_sets"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_devices_ssh_credential_id"))
        batch_op.drop_index(batch_op.f("ix_devices_snmp_credential_id"))
        batch_op.drop_column("ssh_credential_id")
        batch_op.drop_column("snmp_credential_id")
        batch_op.drop_column("maintenance")
        batch_op.drop_column("enabled")
        batch_op.drop_column("retries")
        batch_op.drop_column("timeout_s")
        batch_op.drop_column("interval_s")
        batch_op.drop_column("telemetry")
        batch_op.drop_column("ssh_port")
        batch_op.drop_column("snmp_port")
    op.drop_index(op.f("ix_discovery_candidates_tenant_id"), table_name="discovery_candidates")
    op.drop_index(op.f("ix_discovery_candidates_discovery_id"), table_name="discovery_candidates")
    op.drop_table("discovery_candidates")
    op.drop_index(op.f("ix_discoveries_tenant_id"), table_name="discoveries")
    op.drop_index(op.f("ix_discoveries_site_id"), table_name="discoveries")
    op.drop_index(op.f("ix_discoveries_agent_id"), table_name="discoveries")
    op.drop_table("discoveries")
    op.drop_index(op.f("ix_agent_config_state_tenant_id"), table_name="agent_config_state")
    op.drop_table("agent_config_state")
    op.drop_index(op.f("ix_credential_sets_tenant_id"), table_name="credential_sets")
    op.drop_index(op.f("ix_credential_sets_site_id"), table_name="credential_sets")
    op.drop_table("credential_sets")
