"""The Python client library: one facade per role over the generated stubs (DESIGN §2), one module
per role. Everything is re-exported here, so ``from clients.facades import DepartmentClient`` works."""

from __future__ import annotations

from clients.facades.admin import AdminClient
from clients.facades.base import (
    MAX_PAGES,
    WATCH_RESUMES,
    DateInput,
    EnumInput,
    Facade,
    ImportProgress,
    ImportRowError,
    ImportSummary,
    R,
    date_message,
    date_text,
    enum_value,
    import_csv,
    paged,
    short_name,
    token_claims,
)
from clients.facades.department import DepartmentClient
from clients.facades.draws import DrawDecider, DrawPlanner, DrawReader, LocalVerification
from clients.facades.enterprise import EnterpriseClient
from clients.facades.office import LegalOfficeClient, OfficeClient, SupervisionClient
from clients.facades.oversight import AlertHandler, AlertReader
from clients.facades.public import PublicClient
from clients.facades.readers import (
    BillReader,
    CardReader,
    CodeVerifier,
    DirectoryReader,
    InspectionReader,
    StaffReader,
)
from clients.facades.service_hall import ServiceHallClient
from clients.facades.statistics import DashboardReader, StatisticsReader

__all__ = [
    "MAX_PAGES",
    "WATCH_RESUMES",
    "AdminClient",
    "AlertHandler",
    "AlertReader",
    "BillReader",
    "CardReader",
    "CodeVerifier",
    "DashboardReader",
    "DateInput",
    "DepartmentClient",
    "DirectoryReader",
    "DrawDecider",
    "DrawPlanner",
    "DrawReader",
    "EnterpriseClient",
    "EnumInput",
    "Facade",
    "ImportProgress",
    "ImportRowError",
    "ImportSummary",
    "InspectionReader",
    "LegalOfficeClient",
    "LocalVerification",
    "OfficeClient",
    "PublicClient",
    "R",
    "ServiceHallClient",
    "StaffReader",
    "StatisticsReader",
    "SupervisionClient",
    "date_message",
    "date_text",
    "enum_value",
    "import_csv",
    "paged",
    "short_name",
    "token_claims",
]
