"""Client library and the onecard command line for the inspection one-card registry (一卡通).

from clients import Connection, DepartmentClient
with Connection.from_env() as connection:
    card = DepartmentClient(connection).get_card("91330106MA2H000013")
"""

from clients.connection import Connection, RetryPolicy
from clients.errors import FieldViolation, ServiceError
from clients.facades import (
    AdminClient,
    CardReader,
    DepartmentClient,
    DirectoryReader,
    EnterpriseClient,
    ImportRowError,
    ImportSummary,
    InspectionReader,
    LegalOfficeClient,
    OfficeClient,
    PublicClient,
    ServiceHallClient,
    StaffReader,
    SupervisionClient,
)

__all__ = [
    "AdminClient",
    "CardReader",
    "Connection",
    "DepartmentClient",
    "DirectoryReader",
    "EnterpriseClient",
    "FieldViolation",
    "ImportRowError",
    "ImportSummary",
    "InspectionReader",
    "LegalOfficeClient",
    "OfficeClient",
    "PublicClient",
    "RetryPolicy",
    "ServiceError",
    "ServiceHallClient",
    "StaffReader",
    "SupervisionClient",
]
