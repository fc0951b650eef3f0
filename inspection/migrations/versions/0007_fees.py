"""the single fee (一费制): catalogue versions, fee lines, bills, payments, receipts, refunds

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 17:18:49

``fee_item_version`` holds what each catalogue item charges, one row per published version (the
items registered so far become their version 1); ``fee_line`` the fees assessed on inspections;
``fee_bill`` and ``fee_bill_line`` the bills with their frozen lines; ``fee_payment`` the one
payment of a bill, ``fee_receipt`` its electronic receipts and ``fee_receipt_serial`` the last
serial issued per receipt code; ``fee_refund`` refunds and their steps.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fee_receipt_serial",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "fee_bill",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("payment_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("supersedes", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("supersede_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("issued_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issue_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("close_time", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uscc"],
            ["enterprise.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("payment_code"),
    )
    with op.batch_alter_table("fee_bill", schema=None) as batch_op:
        batch_op.create_index("ix_fee_bill_inspection", ["inspection_id"], unique=False)

    op.create_table(
        "fee_item_version",
        sa.Column("item_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("department_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("policy_basis", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("fee_nature", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("collecting_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("publish_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
        ),
        sa.ForeignKeyConstraint(
            ["item_code"],
            ["fee_item.code"],
        ),
        sa.PrimaryKeyConstraint("item_code", "version"),
    )
    with op.batch_alter_table("fee_item_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fee_item_version_department_code"), ["department_code"], unique=False
        )

    # Every item registered before versions existed is its own version 1.
    op.execute(
        "INSERT INTO fee_item_version (item_code, version, department_code, name, policy_basis,"
        " fee_nature, amount_fen, unit, collecting_unit, valid_from, valid_to, publish_time)"
        " SELECT code, 1, department_code, name, policy_basis, fee_nature, amount_fen, unit,"
        " collecting_unit, valid_from, valid_to, CURRENT_TIMESTAMP FROM fee_item"
    )
    op.create_table(
        "fee_line",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("department_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("item_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("item_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_amount_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("collecting_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("bill_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("void_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("assessed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("assess_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("void_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspection.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uscc"],
            ["enterprise.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fee_line", schema=None) as batch_op:
        batch_op.create_index("ix_fee_line_inspection", ["inspection_id"], unique=False)
        batch_op.create_index("ix_fee_line_uscc_state", ["uscc", "state"], unique=False)

    op.create_table(
        "fee_bill_line",
        sa.Column("bill_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("line_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["fee_bill.id"],
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["fee_line.id"],
        ),
        sa.PrimaryKeyConstraint("bill_id", "line_id"),
    )
    op.create_table(
        "fee_payment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("bill_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("payment_reference", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("paid_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("pay_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("split_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("card_seq", sa.Integer(), nullable=False),
        sa.Column("card_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["fee_bill.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uscc"],
            ["enterprise.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bill_id"),
        sa.UniqueConstraint("payment_reference"),
    )
    with op.batch_alter_table("fee_payment", schema=None) as batch_op:
        batch_op.create_index("ix_fee_payment_time", ["pay_time"], unique=False)

    op.create_table(
        "fee_refund",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("bill_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("line_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("uscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.Column("inspection_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("department_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("collecting_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("request_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_due_date", sa.Date(), nullable=False),
        sa.Column("verify_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approve_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pay_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_steps_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"],
            ["fee_bill.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["fee_line.id"],
        ),
        sa.ForeignKeyConstraint(
            ["uscc"],
            ["enterprise.uscc"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fee_refund", schema=None) as batch_op:
        batch_op.create_index("ix_fee_refund_bill", ["bill_id"], unique=False)

    op.create_table(
        "fee_receipt",
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("payment_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("collecting_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("issue_time", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["fee_payment.id"],
        ),
        sa.PrimaryKeyConstraint("number"),
        sa.UniqueConstraint("payment_id", "collecting_unit"),
    )
    with op.batch_alter_table("fee_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fee_receipt_payment_id"), ["payment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fee_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_receipt_payment_id"))

    op.drop_table("fee_receipt")
    with op.batch_alter_table("fee_refund", schema=None) as batch_op:
        batch_op.drop_index("ix_fee_refund_bill")

    op.drop_table("fee_refund")
    with op.batch_alter_table("fee_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_fee_payment_time")

    op.drop_table("fee_payment")
    op.drop_table("fee_bill_line")
    with op.batch_alter_table("fee_line", schema=None) as batch_op:
        batch_op.drop_index("ix_fee_line_uscc_state")
        batch_op.drop_index("ix_fee_line_inspection")

    op.drop_table("fee_line")
    with op.batch_alter_table("fee_item_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_item_version_department_code"))

    op.drop_table("fee_item_version")
    with op.batch_alter_table("fee_bill", schema=None) as batch_op:
        batch_op.drop_index("ix_fee_bill_inspection")

    op.drop_table("fee_bill")
    op.drop_table("fee_receipt_serial")
