"""alarms: device events, alarms and their history, rule overrides, maintenance windows,
notification policies and deliveries, field techs' sites; agent event counters

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 09:00:00.000000

Issue #18. Traps and syslog lines the agents map to events are stored in device_events;
alarms carry the lifecycle (raised, acknowledged, cleared, closed) with one partial unique
index on (tenant_id, dedupe_key) over the rows that are not closed: one open alarm per
condition, also when two hub processes raise it at once. agent_health gains the agents'
event counters (received, dropped) reported in health.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the alarm tables and the agent event counters."""
    op.create_table(
        "alarm_rule_overrides",
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=True),
        sa.Column("severity", sa.String(length=8), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_alarm_rule_overrides_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_rule_overrides")),
        sa.UniqueConstraint("tenant_id", "rule", name=op.f("uq_alarm_rule_overrides_tenant_id")),
    )
    op.create_index(
        op.f("ix_alarm_rule_overrides_tenant_id"),
        "alarm_rule_overrides",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "device_events",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("device_name", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_device_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_events")),
        sa.UniqueConstraint("tenant_id", "event_id", name=op.f("uq_device_events_tenant_id")),
    )
    op.create_index(
        op.f("ix_device_events_device_id"), "device_events", ["device_id"], unique=False
    )
    op.create_index(
        "ix_device_events_received", "device_events", ["tenant_id", "received_at"], unique=False
    )
    op.create_index(
        op.f("ix_device_events_tenant_id"), "device_events", ["tenant_id"], unique=False
    )
    op.create_table(
        "notification_policies",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("min_severity", sa.String(length=8), nullable=False),
        sa.Column("site_ids", sa.JSON(), nullable=False),
        sa.Column("alarm_types", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("time_from", sa.String(length=5), nullable=True),
        sa.Column("time_to", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("webhook", sa.Boolean(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("escalate_after_min", sa.Integer(), nullable=True),
        sa.Column("escalate_emails", sa.JSON(), nullable=False),
        sa.Column("notify_clear", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_notification_policies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_policies")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_notification_policies_tenant_id")),
    )
    op.create_index(
        op.f("ix_notification_policies_tenant_id"),
        "notification_policies",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "user_sites",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_user_sites_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_user_sites_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sites_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "site_id", name=op.f("pk_user_sites")),
    )
    op.create_index(op.f("ix_user_sites_site_id"), "user_sites", ["site_id"], unique=False)
    op.create_index(op.f("ix_user_sites_tenant_id"), "user_sites", ["tenant_id"], unique=False)
    op.create_table(
        "maintenance_windows",
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "site_id IS NOT NULL OR device_id IS NOT NULL",
            name=op.f("ck_maintenance_windows_target"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_maintenance_windows_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_maintenance_windows_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_maintenance_windows_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_windows")),
    )
    op.create_index(
        op.f("ix_maintenance_windows_device_id"), "maintenance_windows", ["device_id"], unique=False
    )
    op.create_index(
        op.f("ix_maintenance_windows_site_id"), "maintenance_windows", ["site_id"], unique=False
    )
    op.create_index(
        op.f("ix_maintenance_windows_tenant_id"), "maintenance_windows", ["tenant_id"], unique=False
    )
    op.create_table(
        "alarms",
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("alarm_type", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("agent_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("device_name", sa.String(length=100), nullable=True),
        sa.Column("if_index", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("first_raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raised_count", sa.Integer(), nullable=False),
        sa.Column("last_change_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flapping", sa.Boolean(), nullable=False),
        sa.Column("flap_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=255), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_by", sa.String(length=255), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=255), nullable=True),
        sa.Column("shelved_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shelved_by", sa.String(length=255), nullable=True),
        sa.Column("in_maintenance", sa.Boolean(), nullable=False),
        sa.Column("suppressed_by", sa.Uuid(), nullable=True),
        sa.Column("impacts", sa.JSON(), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_alarms_agent_id_agents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_alarms_device_id_devices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_alarms_site_id_sites"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["suppressed_by"],
            ["alarms.id"],
            name=op.f("fk_alarms_suppressed_by_alarms"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_alarms_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["support_tickets.id"],
            name=op.f("fk_alarms_ticket_id_support_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarms")),
    )
    op.create_index(op.f("ix_alarms_agent_id"), "alarms", ["agent_id"], unique=False)
    op.create_index(op.f("ix_alarms_device_id"), "alarms", ["device_id"], unique=False)
    op.create_index(op.f("ix_alarms_site_id"), "alarms", ["site_id"], unique=False)
    op.create_index(op.f("ix_alarms_suppressed_by"), "alarms", ["suppressed_by"], unique=False)
    op.create_index(op.f("ix_alarms_tenant_id"), "alarms", ["tenant_id"], unique=False)
    op.create_index("ix_alarms_tenant_rule", "alarms", ["tenant_id", "rule", "state"], unique=False)
    op.create_index(
        "ix_alarms_tenant_state", "alarms", ["tenant_id", "state", "last_change_at"], unique=False
    )
    op.create_index(
        "uq_alarms_open_dedupe_key",
        "alarms",
        ["tenant_id", "dedupe_key"],
        unique=True,
        postgresql_where=sa.text("state <> 'closed'"),
        sqlite_where=sa.text("state <> 'closed'"),
    )
    op.create_table(
        "alarm_history",
        sa.Column("alarm_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alarm_id"],
            ["alarms.id"],
            name=op.f("fk_alarm_history_alarm_id_alarms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_alarm_history_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_history")),
    )
    op.create_index(op.f("ix_alarm_history_alarm_id"), "alarm_history", ["alarm_id"], unique=False)
    op.create_index(
        op.f("ix_alarm_history_tenant_id"), "alarm_history", ["tenant_id"], unique=False
    )
    op.create_table(
        "alarm_notifications",
        sa.Column("alarm_id", sa.Uuid(), nullable=False),
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alarm_id"],
            ["alarms.id"],
            name=op.f("fk_alarm_notifications_alarm_id_alarms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["notification_policies.id"],
            name=op.f("fk_alarm_notifications_policy_id_notification_policies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_alarm_notifications_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_notifications")),
        sa.UniqueConstraint(
            "alarm_id",
            "policy_id",
            "kind",
            "channel",
            "target",
            name=op.f("uq_alarm_notifications_alarm_id"),
        ),
    )
    op.create_index(
        op.f("ix_alarm_notifications_alarm_id"), "alarm_notifications", ["alarm_id"], unique=False
    )
    op.create_index(
        "ix_alarm_notifications_due",
        "alarm_notifications",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_alarm_notifications_policy_id"), "alarm_notifications", ["policy_id"], unique=False
    )
    op.create_index(
        op.f("ix_alarm_notifications_tenant_id"), "alarm_notifications", ["tenant_id"], unique=False
    )

    with op.batch_alter_table("agent_health") as batch:
        batch.add_column(sa.Column("events_received", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("events_dropped", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop the alarm tables and the agent event counters."""
    with op.batch_alter_table("agent_health") as batch:
        batch.drop_column("events_dropped")
        batch.drop_column("events_received")
    op.drop_index(op.f("ix_alarm_notifications_tenant_id"), table_name="alarm_notifications")
    op.drop_index(op.f("ix_alarm_notifications_policy_id"), table_name="alarm_notifications")
    op.drop_index("ix_alarm_notifications_due", table_name="alarm_notifications")
    op.drop_index(op.f("ix_alarm_notifications_alarm_id"), table_name="alarm_notifications")
    op.drop_table("alarm_notifications")
    op.drop_index(op.f("ix_alarm_history_tenant_id"), table_name="alarm_history")
    op.drop_index(op.f("ix_alarm_history_alarm_id"), table_name="alarm_history")
    op.drop_table("alarm_history")
    op.drop_index(
        "uq_alarms_open_dedupe_key",
        table_name="alarms",
        postgresql_where=sa.text("state <> 'closed'"),
        sqlite_where=sa.text("state <> 'closed'"),
    )
    op.drop_index("ix_alarms_tenant_state", table_name="alarms")
    op.drop_index("ix_alarms_tenant_rule", table_name="alarms")
    op.drop_index(op.f("ix_alarms_tenant_id"), table_name="alarms")
    op.drop_index(op.f("ix_alarms_suppressed_by"), table_name="alarms")
    op.drop_index(op.f("ix_alarms_site_id"), table_name="alarms")
    op.drop_index(op.f("ix_alarms_device_id"), table_name="alarms")
    op.drop_index(op.f("ix_alarms_agent_id"), table_name="alarms")
    op.drop_table("alarms")
    op.drop_index(op.f("ix_maintenance_windows_tenant_id"), table_name="maintenance_windows")
    op.drop_index(op.f("ix_maintenance_windows_site_id"), table_name="maintenance_windows")
    op.drop_index(op.f("ix_maintenance_windows_device_id"), table_name="maintenance_windows")
    op.drop_table("maintenance_windows")
    op.drop_index(op.f("ix_user_sites_tenant_id"), table_name="user_sites")
    op.drop_index(op.f("ix_user_sites_site_id"), table_name="user_sites")
    op.drop_table("user_sites")
    op.drop_index(op.f("ix_notification_policies_tenant_id"), table_name="notification_policies")
    op.drop_table("notification_policies")
    op.drop_index(op.f("ix_device_events_tenant_id"), table_name="device_events")
    op.drop_index("ix_device_events_received", table_name="device_events")
    op.drop_index(op.f("ix_device_events_device_id"), table_name="device_events")
    op.drop_table("device_events")
    op.drop_index(op.f("ix_alarm_rule_overrides_tenant_id"), table_name="alarm_rule_overrides")
    op.drop_table("alarm_rule_overrides")
