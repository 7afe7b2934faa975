"""orders by date: reports read orders by their order date

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Monthly sales, ABC and KPIs select a period of orders; "since when is there data"
    # (the first order) is one index probe instead of a scan.
    op.create_index("ix_orders_created_at", "orders", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_orders_created_at", table_name="orders")
