"""subscriber sessions from RADIUS accounting, CoA and Disconnect (issue #19)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 12:00:00.000000

`subscriber_sessions` (one per Acct-Session-Id and NAS, 64-bit counters),
`subscriber_usage_hours` (octets per subscription and UTC hour, the RADIUS usage source of
GB-cap billing), `radius_actions` (CoA / Disconnect requests and the NAS's answer) and
`radius_action_events` (their history: every attempt, who, why).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
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


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete)


def _counter(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def _sessions() -> None:
    t = "subscriber_sessions"
    op.create_table(
        t,
        sa.Column("nas_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.String(length=253), nullable=False),
        sa.Column("acct_session_id", sa.String(length=128), nullable=False),
        sa.Column("framed_ip_address", sa.String(length=45), nullable=True),
        sa.Column("framed_ipv6_prefix", sa.String(length=64), nullable=True),
        sa.Column("delegated_ipv6_prefix", sa.String(length=64), nullable=True),
        sa.Column("calling_station_id", sa.String(length=64), nullable=True),
        sa.Column("nas_port_id", sa.String(length=128), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_update_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("terminate_cause", sa.String(length=40), nullable=True),
        *(_counter(c) for c in ("session_time_s", "input_octets", "output_octets",
                                "input_packets", "output_packets")),
        sa.Column("counter_resets", sa.Integer(), nullable=False),
        sa.Column("interim_interval_s", sa.Integer(), nullable=True),
        *_owned(t),
        _fk(t, "nas_id", "access_nas", "CASCADE"),
        _fk(t, "subscription_id", "billing_subscriptions", "SET NULL"),
        sa.UniqueConstraint("nas_id", "acct_session_id", name=op.f(f"uq_{t}_nas_id")),
    )
    for column in ("tenant_id", "nas_id", "subscription_id"):
        op.create_index(op.f(f"ix_{t}_{column}"), t, [column])
    op.create_index("ix_subscriber_sessions_open", t, ["tenant_id", "stopped_at"])


def _usage() -> None:
    t = "subscriber_usage_hours"
    op.create_table(
        t,
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        _counter("input_octets"), _counter("output_octets"),
        _fk(t, "subscription_id", "billing_subscriptions", "CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"],
                                name=op.f(f"fk_{t}_tenant_id_tenants"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subscription_id", "hour", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_tenant_id"), t, ["tenant_id"])


def _actions() -> None:
    t = "radius_actions"
    op.create_table(
        t,
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=True),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("nas_id", sa.Uuid(), nullable=True),
        sa.Column("network_action_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error_cause", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        *_owned(t),
        _fk(t, "subscription_id", "billing_subscriptions", "SET NULL"),
        _fk(t, "session_id", "subscriber_sessions", "SET NULL"),
        _fk(t, "nas_id", "access_nas", "SET NULL"),
    )
    for column in ("tenant_id", "request_id", "subscription_id", "session_id"):
        op.create_index(op.f(f"ix_{t}_{column}"), t, [column])
    op.create_index("ix_radius_actions_status", t, ["status"])
    e = "radius_action_events"
    op.create_table(
        e,
        sa.Column("action_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        *_owned(e),
        _fk(e, "action_id", "radius_actions", "CASCADE"),
    )
    for column in ("tenant_id", "action_id"):
        op.create_index(op.f(f"ix_{e}_{column}"), e, [column])


def upgrade() -> None:
    """Create the four tables; plans choose where GB usage is read from (snmp | radius)."""
    _sessions()
    _usage()
    _actions()
    with op.batch_alter_table("billing_plans") as batch:
        batch.add_column(sa.Column("usage_source", sa.String(8), nullable=False,
                                   server_default="snmp"))


def downgrade() -> None:
    """Drop them (sessions and CoA history are lost), and the plans' usage source."""
    with op.batch_alter_table("billing_plans") as batch:
        batch.drop_column("usage_source")
    for table in ("radius_action_events", "radius_actions", "subscriber_usage_hours",
                  "subscriber_sessions"):
        op.drop_table(table)
