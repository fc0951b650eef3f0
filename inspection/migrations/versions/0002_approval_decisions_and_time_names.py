"""one approval table for every subject both offices decide; *_time names for instants

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 00:10:00

``inspection_decision`` becomes ``approval_decision`` keyed by (subject_kind, subject_id, stage,
office), so joint checks, draw plans and refunds share it; existing decisions move over as
subject kind ``INSPECTION``. Instants are named ``*_time`` everywhere, as in the API.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSPECTION_TIMES = {
    "requested_at": "request_time",
    "decision_due_at": "decision_due_time",
    "decided_at": "decide_time",
    "checked_in_at": "check_in_time",
    "completed_at": "complete_time",
    "publication_due_at": "publication_due_time",
    "published_at": "publish_time",
    "filing_due_at": "filing_due_time",
    "filed_at": "file_time",
    "cancelled_reason": "cancel_reason",
}


def _rename(table: str, names: dict[str, str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for old, new in names.items():
            batch_op.alter_column(old, new_column_name=new)


def upgrade() -> None:
    op.create_table(
        "approval_decision",
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("office", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("principal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decide_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("subject_kind", "subject_id", "stage", "office"),
        sa.UniqueConstraint("subject_kind", "subject_id", "stage", "principal"),
    )
    op.execute(
        "INSERT INTO approval_decision (subject_kind, subject_id, stage, office, principal, decision,"
        " comment, due_time, decide_time, late)"
        " SELECT 'INSPECTION', inspection_id, stage, office, principal, decision, comment, due_at,"
        " decided_at, late FROM inspection_decision"
    )
    op.drop_table("inspection_decision")
    _rename("inspection", INSPECTION_TIMES)
    _rename("inspection_rating", {"rated_at": "rate_time"})
    _rename("complaint", {"filed_at": "file_time"})


def downgrade() -> None:
    _rename("complaint", {"file_time": "filed_at"})
    _rename("inspection_rating", {"rate_time": "rated_at"})
    _rename("inspection", {new: old for old, new in INSPECTION_TIMES.items()})
    op.create_table(
        "inspection_decision",
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("office", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("principal", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("inspection_id", "stage", "office"),
        sa.UniqueConstraint("inspection_id", "stage", "principal"),
    )
    op.execute(
        "INSERT INTO inspection_decision (inspection_id, stage, office, principal, decision, comment,"
        " due_at, decided_at, late)"
        " SELECT subject_id, stage, office, principal, decision, comment, due_time, decide_time, late"
        " FROM approval_decision WHERE subject_kind = 'INSPECTION'"
    )
    op.drop_table("approval_decision")
