"""joint checks: each department's part, and the unified acceptance

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 04:00:00

``inspection_part`` holds each participating department's part of a joint check's result;
``inspection.acceptance`` the lead's unified acceptance (统一验收).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "acceptance", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False, server_default=""
            )
        )
    op.create_table(
        "inspection_part",
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("department_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("findings", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("handling", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("rectification_deadline", sa.Date(), nullable=True),
        sa.Column("penalty_fen", sa.Integer(), nullable=False),
        sa.Column("penalty_basis", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("record_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["department_code"], ["department.code"]),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("inspection_id", "department_code"),
    )


def downgrade() -> None:
    op.drop_table("inspection_part")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_column("acceptance")
