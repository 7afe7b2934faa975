"""opening invoices: an invoice taken over from the previous system has no order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # batch_alter_table copies the table on SQLite (which cannot drop NOT NULL in place)
    # and is a plain ALTER TABLE on PostgreSQL.
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=ID, nullable=True)


def downgrade() -> None:
    # Refuses (NOT NULL violation) while opening invoices exist: they would lose their place.
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=ID, nullable=False)
