"""Inspections under joint approval (DESIGN §4), one module per stage: ``request``, ``decision``
(both offices, or cancellation), ``visit`` (the code on the doorstep and check-in), ``result``
(and publication, 一公开), ``emergency`` (事后登记备案), ``voice`` (ratings and complaints),
``expiry`` and ``reading``. The lifecycle they follow is one table in ``lifecycle``.
"""

from inspection.domain.inspections.decision import (
    cancel_inspection,
    code_digest,
    decide_inspection,
    new_inspection_code,
    normalize_code,
)
from inspection.domain.inspections.emergency import acknowledge_filing, file_emergency, start_emergency
from inspection.domain.inspections.expiry import expire_inspection, lapsed_inspections
from inspection.domain.inspections.model import (
    Handling,
    InspectionView,
    Kind,
    Origin,
    Outcome,
    ParticipantView,
    Rules,
    State,
    mask_name,
)
from inspection.domain.inspections.reading import (
    InspectionQuery,
    get_inspection,
    list_inspections,
    list_published,
)
from inspection.domain.inspections.request import InspectionRequest, Overlap, request_inspection
from inspection.domain.inspections.result import Result, publish_result, record_result
from inspection.domain.inspections.visit import CodeVerification, check_in, verify_code
from inspection.domain.inspections.voice import file_complaint, rate_inspection

__all__ = [
    "CodeVerification",
    "Handling",
    "InspectionQuery",
    "InspectionRequest",
    "InspectionView",
    "Kind",
    "Origin",
    "Outcome",
    "Overlap",
    "ParticipantView",
    "Result",
    "Rules",
    "State",
    "acknowledge_filing",
    "cancel_inspection",
    "check_in",
    "code_digest",
    "decide_inspection",
    "expire_inspection",
    "file_complaint",
    "file_emergency",
    "get_inspection",
    "lapsed_inspections",
    "list_inspections",
    "list_published",
    "mask_name",
    "new_inspection_code",
    "normalize_code",
    "publish_result",
    "rate_inspection",
    "record_result",
    "request_inspection",
    "start_emergency",
    "verify_code",
]
