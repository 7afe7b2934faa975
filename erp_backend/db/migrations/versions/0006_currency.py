"""currency: the ISO 4217 currency stored with every price, order, invoice and payment

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 04:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("products", "orders", "invoices", "payments")


def upgrade() -> None:
    # Rows written before this revision were in the demo business's currency, pounds.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("currency", sa.String(3), nullable=False, server_default="GBP")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("currency")
