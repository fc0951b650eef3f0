"""The single fee's vocabulary: bounds, states and channels."""

from __future__ import annotations

import enum

from inspection.storage.fee_models import (
    FeeBill,
    FeeItemVersion,
    FeeLine,
    FeePayment,
    FeeReceipt,
)

# The rows a caller reads; storage owns them, the api names them from here.
__all__ = ["FeeBill", "FeeItemVersion", "FeeLine", "FeePayment", "FeeReceipt"]

#: Quantity bounds of one line: a whole number of units, at least one.
MAX_QUANTITY = 10_000
#: Working days an issued bill stays payable (shown on the bill; an unpaid bill stays payable).
BILL_DUE_WORKING_DAYS = 10
#: The receipt code (票据代码) is this district's six-digit division code and the two-digit year.
RECEIPT_REGION = "310101"
MAX_NAME = 200

#: Inspection states in which the visit has happened, so a fee can arise (docs/fees.md).
FEE_STATES = frozenset({"IN_PROGRESS", "COMPLETED", "PUBLISHED", "FILED_PENDING", "FILED"})


class LineState(enum.StrEnum):
    OPEN = "OPEN"
    BILLED = "BILLED"
    VOIDED = "VOIDED"
    PAID = "PAID"


class BillState(enum.StrEnum):
    ISSUED = "ISSUED"
    SUPERSEDED = "SUPERSEDED"
    PAID = "PAID"


class Channel(enum.StrEnum):
    """How a payment reached the hall."""

    CASH = "CASH"
    BANK_CARD = "BANK_CARD"
    QR_CODE = "QR_CODE"
    BANK_TRANSFER = "BANK_TRANSFER"
