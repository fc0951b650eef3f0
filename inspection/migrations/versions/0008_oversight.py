"""oversight (电子监察): alerts, the shared audit cursor, and recent card entries by kind

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 23:28:33

``alert`` holds the alerts the sweep derives from stored data, one row per kind, subject and period
(its unique ``key``); ``sweep_cursor`` where a round of work shared by the replicas stands (the card
audit). ``ix_card_entry_kind_time`` lets the sweep read the latest refused attempts of all cards.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweep_cursor",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("update_time", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "alert",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("department_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("facts_json", sa.Text(), nullable=False),
        sa.Column("cause_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raise_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("acknowledge_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("resolve_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uscc"],
            ["enterprise.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    # The card audit's round starts at the first enterprise; every replica continues it.
    op.bulk_insert(
        sa.table("sweep_cursor", sa.column("name", sa.String), sa.column("value", sa.String)),
        [{"name": "card_audit", "value": ""}],
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index("ix_alert_department_raise", ["department_code", "raise_time"], unique=False)
        batch_op.create_index("ix_alert_raise", ["raise_time"], unique=False)
        batch_op.create_index("ix_alert_subject_kind", ["subject_id", "kind"], unique=False)
        batch_op.create_index("ix_alert_state_raise", ["state", "raise_time"], unique=False)
        batch_op.create_index("ix_alert_uscc", ["uscc"], unique=False)

    with op.batch_alter_table("card_entry", schema=None) as batch_op:
        batch_op.create_index("ix_card_entry_kind_time", ["kind", "time"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_card_entry_kind_time")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_uscc")
        batch_op.drop_index("ix_alert_subject_kind")
        batch_op.drop_index("ix_alert_state_raise")
        batch_op.drop_index("ix_alert_raise")
        batch_op.drop_index("ix_alert_department_raise")

    op.drop_table("alert")
    op.drop_table("sweep_cursor")
