"""StatisticsService: statistics for oversight (电子监察 统计, DESIGN §9) — a department's figures
for a period and one enterprise's inspection burden — and the figures' translation to the API,
shared with the public dashboard (一公开)."""

from __future__ import annotations

import datetime as dt

import grpc
from google.protobuf.duration_pb2 import Duration
from sqlmodel import Session

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.api.enums import KINDS, STATES
from inspection.domain import statistics
from inspection.errors import Violations
from inspection.v1 import statistics_service_pb2 as pb
from inspection.v1 import statistics_service_pb2_grpc as pb_grpc


def share(value: statistics.Share) -> pb.Share:
    return pb.Share(count=value.count, total=value.total, basis_points=value.basis_points)


def rating(value: statistics.Rating) -> pb.RatingSummary:
    return pb.RatingSummary(
        count=value.count,
        score_sum=value.score_sum,
        average_hundredths=value.average_hundredths,
        withheld=value.withheld,
    )


def _on_time(value: statistics.OnTime) -> pb.OnTimeRate:
    return pb.OnTimeRate(
        on_time=value.on_time,
        late=value.late,
        overdue=value.overdue,
        pending=value.pending,
        rate=share(value.rate),
    )


def _duration(seconds: int | None) -> Duration | None:
    return None if seconds is None else Duration(seconds=seconds)


def _statistics(figures: statistics.DepartmentStatistics, now: dt.datetime) -> pb.DepartmentStatistics:
    period = figures.period
    return pb.DepartmentStatistics(
        department_code=figures.department_code,
        period=pb.StatisticsPeriod(year=period.year, month=period.month, quarter=period.quarter),
        period_start_time=convert.timestamp(figures.start),
        period_end_time=convert.timestamp(figures.end),
        inspections=figures.inspections,
        by_kind=[pb.KindCount(kind=KINDS.to_proto(k), count=n) for k, n in figures.by_kind.items()],
        by_state=[pb.StateCount(state=STATES.to_proto(s), count=n) for s, n in figures.by_state.items()],
        joint=share(figures.joint),
        drawn=share(figures.drawn),
        approval_latency=pb.ApprovalLatency(
            decided=figures.decided,
            p50=_duration(figures.latency_p50_seconds),
            p90=_duration(figures.latency_p90_seconds),
        ),
        decisions=_on_time(figures.decisions),
        filings=_on_time(figures.filings),
        publications=_on_time(figures.publications),
        fees=pb.FeeFigures(
            assessed_lines=figures.fees.assessed_lines,
            assessed_fen=figures.fees.assessed_fen,
            paid_fen=figures.fees.paid_fen,
            refunded_fen=figures.fees.refunded_fen,
        ),
        alerts=[pb.AlertCount(kind=kind, count=count) for kind, count in figures.alerts],
        rating=rating(figures.rating),
        compute_time=convert.timestamp(now),
    )


class StatisticsServicer(ServicerBase, pb_grpc.StatisticsServiceServicer):
    def GetDepartmentStatistics(
        self, request: pb.GetDepartmentStatisticsRequest, context: grpc.ServicerContext
    ) -> pb.DepartmentStatistics:
        violations = Violations()
        period = statistics.Period.checked(
            violations,
            "period",
            year=request.period.year,
            month=request.period.month,
            quarter=request.period.quarter,
        )
        violations.raise_if_any()
        now = self.clock.now()

        def work(session: Session) -> pb.DepartmentStatistics:
            figures = statistics.department_statistics(
                session,
                request.department_code,
                period,
                viewer=self.call.principal,
                now=now,
                calendar=self.calendar,
            )
            return _statistics(figures, now)

        return self.read(work)

    def GetEnterpriseBurden(
        self, request: pb.GetEnterpriseBurdenRequest, context: grpc.ServicerContext
    ) -> pb.EnterpriseBurden:
        def work(session: Session) -> pb.EnterpriseBurden:
            burden = statistics.enterprise_burden(
                session,
                request.uscc,
                now=self.clock.now(),
                calendar=self.calendar,
                routine_cap=self.settings.max_routine_per_department_year,
            )
            return pb.EnterpriseBurden(
                uscc=burden.uscc,
                year=burden.year,
                as_of=convert.date(burden.as_of),
                visits_this_week=burden.visits_this_week,
                visits_this_month=burden.visits_this_month,
                visits_this_year=burden.visits_this_year,
                departments=[
                    pb.DepartmentBurden(
                        department_code=d.department_code,
                        routine=d.routine,
                        routine_cap=d.routine_cap,
                        exempt=d.exempt,
                        visits=d.visits,
                    )
                    for d in burden.departments
                ],
            )

        return self.read(work)
