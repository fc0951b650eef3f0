"""Statistics (电子监察 统计): a department's figures for a month, quarter or year, an enterprise's
burden against the frequency cap, and the public dashboard (一公开)."""

from __future__ import annotations

from clients.facades.base import Facade
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import statistics_service_pb2 as stats_pb
from inspection.v1 import statistics_service_pb2_grpc as stats_grpc


class StatisticsReader(Facade):
    """The offices (every department, or the district), a department (its own figures) and an
    enterprise (its own burden)."""

    @property
    def _statistics(self) -> stats_grpc.StatisticsServiceStub:
        return stats_grpc.StatisticsServiceStub(self.connection.channel)

    def department_statistics(
        self, department_code: str = "", *, year: int, month: int = 0, quarter: int = 0
    ) -> stats_pb.DepartmentStatistics:
        """One department's figures (an empty code: the district's) for the year, or one month or
        quarter of it (district time)."""
        request = stats_pb.GetDepartmentStatisticsRequest(
            department_code=department_code,
            period=stats_pb.StatisticsPeriod(year=year, month=month, quarter=quarter),
        )
        return self.connection.call(self._statistics.GetDepartmentStatistics, request)  # type: ignore[no-any-return]

    def enterprise_burden(self, uscc: str) -> stats_pb.EnterpriseBurden:
        """The enterprise's visits and inspections this year against the frequency cap."""
        request = stats_pb.GetEnterpriseBurdenRequest(uscc=uscc)
        return self.connection.call(self._statistics.GetEnterpriseBurden, request)  # type: ignore[no-any-return]


class DashboardReader(Facade):
    """Anyone: the public dashboard of a year, per department and month."""

    def dashboard(self, year: int) -> public_pb.Dashboard:
        request = public_pb.GetDashboardRequest(year=year)
        return self.connection.call(self._public.GetDashboard, request)  # type: ignore[no-any-return]
