"""The single fee (一费制, DESIGN §7), one module per stage: a department charges only from its own
published catalogue (``catalogue``, 收费清单) items valid on the visit day, quantity × standard amount
in integer fen (``assessing``); all open lines of an inspection form one bill with a payment code
(``bills``, 缴款码); the service hall records one payment equal to the bill total and issues one
electronic receipt per collecting unit (``payments``, 电子票据); refunds run request → verify → approve
→ pay (``refunds``, 退费); the hall's statement (``statement``, 对账单).

Any other charge is refused and carries an ``Attempt``, which the servicer keeps on the card as an
attempted unlisted fee for oversight (电子监察). Every change takes the enterprise's card lock first,
so two payments of one bill, on any number of replicas, are serialized and the second sees the first.
"""

from inspection.domain.fees.assessing import Assessment, assess_fee, lines_of, void_line
from inspection.domain.fees.bills import BillView, get_bill, issue_bill, supersede_bill
from inspection.domain.fees.catalogue import Revision, catalogue_as_of, in_force, item_history, revise_item
from inspection.domain.fees.model import (
    BILL_DUE_WORKING_DAYS,
    FEE_STATES,
    MAX_QUANTITY,
    BillState,
    Channel,
    FeeBill,
    FeeItemVersion,
    FeeLine,
    FeePayment,
    FeeReceipt,
    LineState,
)
from inspection.domain.fees.payments import PaymentOrder, pay_bill, receipt_number
from inspection.domain.fees.statement import (
    MAX_STATEMENT_DAYS,
    HallStatement,
    Total,
    hall_statement,
)

__all__ = [
    "BILL_DUE_WORKING_DAYS",
    "FEE_STATES",
    "MAX_QUANTITY",
    "MAX_STATEMENT_DAYS",
    "Assessment",
    "BillState",
    "BillView",
    "Channel",
    "FeeBill",
    "FeeItemVersion",
    "FeeLine",
    "FeePayment",
    "FeeReceipt",
    "HallStatement",
    "LineState",
    "PaymentOrder",
    "Revision",
    "Total",
    "assess_fee",
    "catalogue_as_of",
    "get_bill",
    "hall_statement",
    "in_force",
    "issue_bill",
    "item_history",
    "lines_of",
    "pay_bill",
    "receipt_number",
    "revise_item",
    "supersede_bill",
    "void_line",
]
