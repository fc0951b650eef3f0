"""token revocations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 03:10:00

One row per revocation: one token by its id (``jti``), or every token of a principal (``sub``)
issued until the revocation.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "token_revocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("revoked_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("revoke_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("token_revocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_token_revocation_token_id"), ["token_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_token_revocation_subject"), ["subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("token_revocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_token_revocation_subject"))
        batch_op.drop_index(batch_op.f("ix_token_revocation_token_id"))
    op.drop_table("token_revocation")
