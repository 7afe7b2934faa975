"""link tokens and guesses: a one-tap link beside each code, and the wrong guesses a code saw

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Codes made before this revision have no token and have seen no guesses.
    with op.batch_alter_table("link_codes") as batch:
        batch.add_column(sa.Column("token_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("wrong_guesses", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_index(batch.f("ix_link_codes_token_hash"), ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("link_codes") as batch:
        batch.drop_index(batch.f("ix_link_codes_token_hash"))
        batch.drop_column("wrong_guesses")
        batch.drop_column("token_expires_at")
        batch.drop_column("token_hash")
