"""Chinese names: products and customers may carry their name in Simplified Chinese
("六角螺栓 M8×40 镀锌"), shown beside the English name and searched (issue 19)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("products", "customers")


def upgrade() -> None:
    # Rows made before this revision have no Chinese name: empty, not NULL, like search_terms.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("name_zh", sa.String(200), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_zh")
