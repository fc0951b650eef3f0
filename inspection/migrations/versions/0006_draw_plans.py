"""random double selection: draw plans, their frozen pools, drawn enterprises and inspectors

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 17:20:01

``draw_plan`` holds a plan (双随机) with everything it published at freeze (pool digest and size,
the parameters document and its digest) and at execution (entropy, seed, result digest);
``draw_pool`` the frozen pool file; ``draw_selection`` each drawn enterprise in key order with its
inspection; ``draw_assignment`` each inspector drawn for it, or put in as the next of its ranking.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draw_plan",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lead_department", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("departments_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item_codes_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("filter_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ratios_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fixed_count", sa.Integer(), nullable=True),
        sa.Column("inspectors_per_enterprise", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("legal_basis", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entropy_source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("entropy_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("request_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_due_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decide_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redraw_of", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("redraw_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("freeze_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("frozen_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pool_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("pool_size", sa.Integer(), nullable=False),
        sa.Column("parameters_json", sa.Text(), nullable=False),
        sa.Column("parameters_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entropy", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("execute_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("seed", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("result_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_department"],
            ["department.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("draw_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_plan_redraw_of"), ["redraw_of"], unique=False)
        batch_op.create_index("ix_draw_plan_state", ["state"], unique=False)

    op.create_table(
        "draw_assignment",
        sa.Column("plan_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("inspector_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("department_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("replaces", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("released_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("release_time", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspector.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["draw_plan.id"],
        ),
        sa.PrimaryKeyConstraint("plan_id", "uscc", "inspector_id"),
    )
    op.create_table(
        "draw_pool",
        sa.Column("plan_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["draw_plan.id"],
        ),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_table(
        "draw_selection",
        sa.Column("plan_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("stratum", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("draw_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("short_of_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("removed_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("removed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("remove_time", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["draw_plan.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uscc"],
            ["enterprise.uscc"],
        ),
        sa.PrimaryKeyConstraint("plan_id", "uscc"),
    )


def downgrade() -> None:
    op.drop_table("draw_selection")
    op.drop_table("draw_pool")
    op.drop_table("draw_assignment")
    with op.batch_alter_table("draw_plan", schema=None) as batch_op:
        batch_op.drop_index("ix_draw_plan_state")
        batch_op.drop_index(batch_op.f("ix_draw_plan_redraw_of"))

    op.drop_table("draw_plan")
