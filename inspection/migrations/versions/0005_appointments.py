"""joint checks by appointment: materials lists, booked visits, slot claims, required participants

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 04:10:00

``checklist_item.materials_json`` lists the documents to prepare per item; ``appointment`` holds a
joint check's booked visit; ``slot_offer`` the half-days its lead offers; ``slot_claim`` the
half-days it takes (each inspector, and the
enterprise's day), keyed so that no half-day is booked twice; ``inspection_participant.required``
marks the departments an enterprise's own acceptance request names, ``merges`` the request of
that department a joint check absorbs; ``inspection.recheck_of``
links a re-check of failed parts to the joint check it re-checks; ``project_kind`` is the catalogue
of kinds of project with the department that leads their acceptance.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recheck_of", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
    with op.batch_alter_table("inspection_participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("merges", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "materials_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="[]"
            )
        )
    op.create_table(
        "appointment",
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("half_day", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("booked_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("book_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reschedules", sa.Integer(), nullable=False),
        sa.Column("own_request", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("inspection_id"),
    )
    op.create_table(
        "project_kind",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lead_department", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item_codes_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["lead_department"], ["department.code"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "slot_offer",
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("half_day", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("inspection_id", "visit_date", "half_day"),
    )
    op.create_table(
        "slot_claim",
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=72), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("half_day", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("holder", "visit_date", "half_day"),
    )
    with op.batch_alter_table("slot_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slot_claim_inspection_id"), ["inspection_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("slot_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slot_claim_inspection_id"))
    op.drop_table("slot_claim")
    op.drop_table("slot_offer")
    op.drop_table("project_kind")
    op.drop_table("appointment")
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_column("materials_json")
    with op.batch_alter_table("inspection_participant", schema=None) as batch_op:
        batch_op.drop_column("merges")
        batch_op.drop_column("required")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_column("recheck_of")
