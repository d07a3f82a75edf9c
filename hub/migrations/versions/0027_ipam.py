"""IP address management and VLAN pools (issue #19)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 12:00:00.000000

Prefixes per tenant and site, address pools inside them and their allocations, VLAN pools
per site and theirs. The partial unique indexes on (pool_id, slot) over rows that still hold
their slot are the no-double-allocation guarantee (docs/ipam.md, "Concurrency").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDS_SLOT = "state <> 'released'"
BOUND = "state = 'allocated'"


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


def _partial(name: str, table: str, columns: list[str], where: str) -> None:
    op.create_index(name, table, columns, unique=True, postgresql_where=sa.text(where),
                    sqlite_where=sa.text(where))


def _prefixes() -> None:
    op.create_table(
        "ipam_prefixes",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("prefix", sa.String(length=49), nullable=False),
        sa.Column("family", sa.Integer(), nullable=False),
        sa.Column("first_key", sa.String(length=32), nullable=False),
        sa.Column("last_key", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        *_owned("ipam_prefixes"),
        _fk("ipam_prefixes", "site_id", "sites", "RESTRICT"),
        sa.UniqueConstraint("tenant_id", "prefix", name=op.f("uq_ipam_prefixes_tenant_id")),
    )
    op.create_index(op.f("ix_ipam_prefixes_tenant_id"), "ipam_prefixes", ["tenant_id"])
    op.create_index(op.f("ix_ipam_prefixes_site_id"), "ipam_prefixes", ["site_id"])
    op.create_index("ix_ipam_prefixes_span", "ipam_prefixes",
                    ["tenant_id", "family", "first_key"])


def _pools() -> None:
    op.create_table(
        "ipam_pools",
        sa.Column("prefix_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("family", sa.Integer(), nullable=False),
        sa.Column("assign_length", sa.Integer(), nullable=False),
        sa.Column("range_start", sa.String(length=45), nullable=False),
        sa.Column("range_end", sa.String(length=45), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("gateway", sa.String(length=45), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        *_owned("ipam_pools"),
        _fk("ipam_pools", "prefix_id", "ipam_prefixes", "RESTRICT"),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_ipam_pools_tenant_id")),
    )
    op.create_index(op.f("ix_ipam_pools_tenant_id"), "ipam_pools", ["tenant_id"])
    op.create_index(op.f("ix_ipam_pools_prefix_id"), "ipam_pools", ["prefix_id"])
    op.create_index(op.f("ix_ipam_pools_site_id"), "ipam_pools", ["site_id"])


def _allocations() -> None:
    op.create_table(
        "ipam_allocations",
        sa.Column("pool_id", sa.Uuid(), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=True),
        sa.Column("address", sa.String(length=49), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quarantine_until", sa.DateTime(timezone=True), nullable=True),
        *_owned("ipam_allocations"),
        _fk("ipam_allocations", "pool_id", "ipam_pools", "CASCADE"),
    )
    op.create_index(op.f("ix_ipam_allocations_tenant_id"), "ipam_allocations", ["tenant_id"])
    _partial("uq_ipam_allocations_slot", "ipam_allocations", ["pool_id", "slot"], HOLDS_SLOT)
    _partial("uq_ipam_allocations_subscription", "ipam_allocations",
             ["pool_id", "subscription_id"], BOUND)
    op.create_index("ix_ipam_allocations_subscription", "ipam_allocations",
                    ["tenant_id", "subscription_id"])
    op.create_index("ix_ipam_allocations_quarantine", "ipam_allocations",
                    ["tenant_id", "state", "quarantine_until"])


def _vlans() -> None:
    op.create_table(
        "ipam_vlan_pools",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("first_tag", sa.Integer(), nullable=False),
        sa.Column("last_tag", sa.Integer(), nullable=False),
        sa.Column("inner_first", sa.Integer(), nullable=True),
        sa.Column("inner_last", sa.Integer(), nullable=True),
        sa.Column("reserved", sa.JSON(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        *_owned("ipam_vlan_pools"),
        _fk("ipam_vlan_pools", "site_id", "sites", "RESTRICT"),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_ipam_vlan_pools_tenant_id")),
    )
    op.create_index(op.f("ix_ipam_vlan_pools_tenant_id"), "ipam_vlan_pools", ["tenant_id"])
    op.create_index(op.f("ix_ipam_vlan_pools_site_id"), "ipam_vlan_pools", ["site_id"])
    op.create_table(
        "ipam_vlan_allocations",
        sa.Column("pool_id", sa.Uuid(), nullable=False),
        sa.Column("slot", sa.BigInteger(), nullable=False),
        sa.Column("tag", sa.Integer(), nullable=False),
        sa.Column("inner_tag", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        *_owned("ipam_vlan_allocations"),
        _fk("ipam_vlan_allocations", "pool_id", "ipam_vlan_pools", "CASCADE"),
    )
    op.create_index(op.f("ix_ipam_vlan_allocations_tenant_id"), "ipam_vlan_allocations",
                    ["tenant_id"])
    _partial("uq_ipam_vlan_allocations_slot", "ipam_vlan_allocations", ["pool_id", "slot"],
             HOLDS_SLOT)
    _partial("uq_ipam_vlan_allocations_subscription", "ipam_vlan_allocations",
             ["pool_id", "subscription_id"], BOUND)
    op.create_index("ix_ipam_vlan_allocations_subscription", "ipam_vlan_allocations",
                    ["tenant_id", "subscription_id"])


def upgrade() -> None:
    """Create the five tables (indexes dropped with their tables on downgrade)."""
    _prefixes()
    _pools()
    _allocations()
    _vlans()


def downgrade() -> None:
    """Drop the five tables, allocations first (every allocation is lost)."""
    for table in ("ipam_vlan_allocations", "ipam_vlan_pools", "ipam_allocations",
                  "ipam_pools", "ipam_prefixes"):
        op.drop_table(table)
