"""Statistics (电子监察 统计) and the public dashboard through the real server: the figures of a
small, hand-timed district (exact counts, shares, percentiles, on-time rates, fees, alerts,
ratings), the period boundaries in the district's time zone, who may see what, and the
enterprise's burden against the cap."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import statistics_service_pb2 as pb
from inspection.v1 import statistics_service_pb2_grpc as pb_grpc
from tests.inspection_support import LEGAL, SUPERVISION, Department, enterprise_md, make_enterprise, token
from tests.statistics_support import alert, at, fee_line, inspection, paid_bill, refund
from tests.support import error_info, field_violations

NOW = at(4, 1, 12)
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")
ADMIN = token(Role.ADMIN, sub="admin-1")


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    """A token that outlives the clock's jump to April (the departments are made with it)."""
    return ADMIN


@pytest.fixture(scope="module")
def stats(grpc_channel: grpc.Channel) -> pb_grpc.StatisticsServiceStub:
    return pb_grpc.StatisticsServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def district(registry: Any, scjg: Department, yjgl: Department, db: Database) -> str:
    """March and April 2026 of one enterprise, every instant chosen by hand (district time)."""
    uscc = make_enterprise(registry, ADMIN)
    s, y = scjg.code, yjgl.code
    i1 = inspection(
        db, uscc, [s], state="PUBLISHED", request_time=at(3, 2, 10),
        decision_due_time=at(3, 5, 0), decide_time=at(3, 2, 12),  # 2 h, in time
        publication_due_time=at(3, 20, 0), publish_time=at(3, 19), rating=5, visit=at(3, 30).date(),
    )  # fmt: skip
    inspection(
        db, uscc, [s], state="APPROVED", request_time=at(3, 3, 10),
        decision_due_time=at(3, 3, 12), decide_time=at(3, 3, 14), rating=3,  # 4 h, late
    )  # fmt: skip
    i3 = inspection(
        db, uscc, [s, y], kind="TRIGGERED", origin="JOINT_CHECK", state="COMPLETED",
        request_time=at(3, 5, 10), decision_due_time=at(3, 7, 0), decide_time=at(3, 5, 20),  # 10 h
        publication_due_time=at(3, 31, 0), rating=4, visit=at(3, 31).date(),  # publication overdue
    )  # fmt: skip
    inspection(
        db, uscc, [s], kind="SPECIAL", origin="DRAW", state="IN_PROGRESS", request_time=at(3, 10, 10),
        decide_time=at(3, 10, 10), visit=at(3, 16).date(),  # approved under its plan: no latency
    )  # fmt: skip
    inspection(
        db, uscc, [s], kind="EMERGENCY", state="FILED", request_time=at(3, 12, 10),
        filing_due_time=at(3, 15, 10), file_time=at(3, 13),
    )  # fmt: skip
    inspection(db, uscc, [s], request_time=at(3, 20, 10), decision_due_time=at(3, 24, 0))  # overdue
    inspection(db, uscc, [s], state="CANCELLED", request_time=at(3, 21, 10), decision_due_time=at(3, 25, 0))
    # The last minutes of March and the first of April, district time (both 31 March in UTC).
    inspection(db, uscc, [s], request_time=at(3, 31, 23, 30), decision_due_time=at(4, 3, 0))  # pending
    inspection(
        db, uscc, [s], state="APPROVED", request_time=at(4, 1, 0, 10),
        decision_due_time=at(4, 3, 0), decide_time=at(4, 1, 1, 10), rating=2, visit=at(4, 1).date(),
    )  # fmt: skip

    l1 = fee_line(db, i1, uscc, s, 1_000, at(3, 15))
    fee_line(db, i1, uscc, s, 500, at(3, 15), state="VOIDED")
    l3 = fee_line(db, i3, uscc, y, 300, at(3, 16))
    fee_line(db, i1, uscc, s, 2_000, at(4, 1, 9))
    bill = paid_bill(db, i1, uscc, {l1: 1_000, l3: 300}, at(3, 20))
    refund(db, bill, l1, uscc, s, 200, at(3, 25))
    refund(db, bill, l1, uscc, s, 100, None)  # requested, not paid back: not counted

    alert(db, uscc, "APPROVAL_OVERDUE", at(3, 25), s)
    alert(db, uscc, "APPROVAL_OVERDUE", at(3, 26), y)
    alert(db, uscc, "FREQUENCY", at(3, 10))
    alert(db, uscc, "PUBLICATION_OVERDUE", at(4, 1, 1), s)
    return uscc


@pytest.fixture(autouse=True)
def _now(clock: SettableClock) -> None:
    clock.set(NOW)


def _ask(stats: Any, md: Any, code: str, year: int = 2026, month: int = 0, quarter: int = 0) -> Any:
    period = pb.StatisticsPeriod(year=year, month=month, quarter=quarter)
    return stats.GetDepartmentStatistics(
        pb.GetDepartmentStatisticsRequest(department_code=code, period=period), metadata=md
    )


def _share(s: pb.Share) -> tuple[int, int, int]:
    return s.count, s.total, s.basis_points


def _on_time(o: pb.OnTimeRate) -> tuple[int, int, int, int, tuple[int, int, int]]:
    return o.on_time, o.late, o.overdue, o.pending, _share(o.rate)


def test_a_departments_month_figure_by_figure(stats: Any, district: str, scjg: Department) -> None:
    march = _ask(stats, scjg.md, scjg.code, month=3)
    assert march.inspections == 8
    assert {common_pb.InspectionKind.Name(k.kind): k.count for k in march.by_kind} == {
        "INSPECTION_KIND_ROUTINE": 5,
        "INSPECTION_KIND_TRIGGERED": 1,
        "INSPECTION_KIND_SPECIAL": 1,
        "INSPECTION_KIND_EMERGENCY": 1,
    }
    assert {insp_pb.InspectionState.Name(s.state): s.count for s in march.by_state} == {
        "INSPECTION_STATE_REQUESTED": 2,
        "INSPECTION_STATE_APPROVED": 1,
        "INSPECTION_STATE_CANCELLED": 1,
        "INSPECTION_STATE_IN_PROGRESS": 1,
        "INSPECTION_STATE_COMPLETED": 1,
        "INSPECTION_STATE_PUBLISHED": 1,
        "INSPECTION_STATE_FILED": 1,
    }
    assert _share(march.joint) == (1, 8, 1250)
    assert _share(march.drawn) == (1, 8, 1250)
    # 2 h, 4 h and 10 h (the drawn and the emergency inspection have no approval of their own):
    # the median is 4 h; the 90th percentile lies 0.8 of the way from 4 h to 10 h.
    latency = march.approval_latency
    assert (latency.decided, latency.p50.seconds, latency.p90.seconds) == (3, 14_400, 31_680)
    # In time: 2 h and 10 h; late: 4 h; overdue: the undecided request due on 24 March; pending:
    # the one requested at 23:30 on 31 March. The cancelled request owed nothing any more.
    assert _on_time(march.decisions) == (2, 1, 1, 1, (2, 4, 5000))
    assert _on_time(march.filings) == (1, 0, 0, 0, (1, 1, 10000))
    assert _on_time(march.publications) == (1, 0, 1, 0, (1, 2, 5000))
    assert (march.fees.assessed_lines, march.fees.assessed_fen) == (1, 1_000)
    assert (march.fees.paid_fen, march.fees.refunded_fen) == (1_000, 200)
    assert [(a.kind, a.count) for a in march.alerts] == [("APPROVAL_OVERDUE", 1)]
    rating = march.rating
    assert (rating.count, rating.score_sum, rating.average_hundredths, rating.withheld) == (3, 12, 400, False)
    assert march.period_start_time.ToDatetime().isoformat() == "2026-02-28T16:00:00"
    assert march.period_end_time.ToDatetime().isoformat() == "2026-03-31T16:00:00"
    assert march.compute_time.ToDatetime().isoformat() == "2026-04-01T04:00:00"


def test_the_district_counts_a_joint_check_once(stats: Any, district: str) -> None:
    march = _ask(stats, SUPERVISION, "", month=3)
    assert march.inspections == 8
    assert _share(march.joint) == (1, 8, 1250)
    assert (march.fees.assessed_lines, march.fees.assessed_fen, march.fees.paid_fen) == (2, 1_300, 1_300)
    assert [(a.kind, a.count) for a in march.alerts] == [("APPROVAL_OVERDUE", 2), ("FREQUENCY", 1)]
    assert (march.rating.count, march.rating.score_sum) == (3, 12)


def test_a_joint_check_counts_for_each_department_taking_part(
    stats: Any, district: str, yjgl: Department
) -> None:
    march = _ask(stats, yjgl.md, yjgl.code, month=3)
    assert (march.inspections, _share(march.joint), _share(march.drawn)) == (1, (1, 1, 10000), (0, 1, 0))
    assert (march.fees.assessed_fen, march.fees.paid_fen, march.fees.refunded_fen) == (300, 300, 0)
    assert [(a.kind, a.count) for a in march.alerts] == [("APPROVAL_OVERDUE", 1)]


@pytest.mark.parametrize(
    ("month", "quarter", "inspections", "p50"),
    [
        (3, 0, 8, 14_400),  # 23:30 on 31 March, district time, is still March
        (4, 0, 1, 3_600),  # 00:10 on 1 April is April, though it is 31 March in UTC
        (0, 1, 8, 14_400),
        (0, 2, 1, 3_600),
        (2, 0, 0, None),
        (0, 0, 9, 10_800),  # the year: 1 h, 2 h, 4 h and 10 h; halfway from 2 h to 4 h
    ],
    ids=["march", "april", "q1", "q2", "february", "year"],
)
def test_periods_end_at_the_districts_midnights(
    stats: Any, district: str, scjg: Department, month: int, quarter: int, inspections: int, p50: int | None
) -> None:
    figures = _ask(stats, LEGAL, scjg.code, month=month, quarter=quarter)
    assert figures.inspections == inspections
    latency = figures.approval_latency
    assert (latency.p50.seconds if latency.HasField("p50") else None) == p50


def test_the_year_and_aprils_own_figures(stats: Any, district: str, scjg: Department) -> None:
    year = _ask(stats, SUPERVISION, scjg.code)
    assert (year.approval_latency.decided, year.approval_latency.p90.seconds) == (4, 29_520)
    assert year.fees.assessed_fen == 3_000
    assert [(a.kind, a.count) for a in year.alerts] == [("APPROVAL_OVERDUE", 1), ("PUBLICATION_OVERDUE", 1)]
    april = _ask(stats, scjg.md, scjg.code, month=4)
    assert (april.rating.count, april.rating.withheld, april.rating.average_hundredths) == (1, True, 0)
    assert april.rating.score_sum == 0


def test_a_department_sees_few_ratings_only_as_a_count(stats: Any, district: str, yjgl: Department) -> None:
    own = _ask(stats, yjgl.md, yjgl.code, month=3).rating
    assert (own.count, own.score_sum, own.average_hundredths, own.withheld) == (1, 0, 0, True)
    office = _ask(stats, SUPERVISION, yjgl.code, month=3).rating
    assert (office.count, office.score_sum, office.average_hundredths, office.withheld) == (1, 4, 400, False)


@pytest.mark.parametrize(
    ("who", "code", "status", "reason"),
    [
        ("department", "YJGL", grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE"),
        ("department", "", grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE"),
        ("enterprise", "SCJG", grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED"),
        ("hall", "SCJG", grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED"),
        ("public", "SCJG", grpc.StatusCode.UNAUTHENTICATED, "TOKEN_MISSING"),
        ("supervision", "NOSUCH", grpc.StatusCode.NOT_FOUND, "NOT_FOUND"),
    ],
)
def test_who_may_see_which_statistics(
    stats: Any, district: str, scjg: Department, who: str, code: str, status: grpc.StatusCode, reason: str
) -> None:
    md = {
        "department": scjg.md,
        "enterprise": enterprise_md(district),
        "hall": token(Role.SERVICE_HALL, sub="hall-1"),
        "public": [],
        "supervision": SUPERVISION,
    }[who]
    with pytest.raises(grpc.RpcError) as refused:
        _ask(stats, md, code, month=3)
    assert refused.value.code() == status
    assert error_info(refused.value).reason == reason


@pytest.mark.parametrize(
    ("year", "month", "quarter", "field"),
    [
        (0, 0, 0, "period.year"),
        (2026, 13, 0, "period.month"),
        (2026, 0, 5, "period.quarter"),
        (2026, 3, 1, "period.quarter"),
    ],
)
def test_a_bad_period_names_its_field(
    stats: Any, district: str, year: int, month: int, quarter: int, field: str
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        _ask(stats, LEGAL, "SCJG", year=year, month=month, quarter=quarter)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in field_violations(refused.value)


def test_the_public_dashboard_needs_no_token_and_names_no_one(
    public: Any, district: str, scjg: Department, yjgl: Department
) -> None:
    board = public.GetDashboard(public_pb.GetDashboardRequest(year=2026))
    rows = {(r.department_code, r.month): r for r in board.rows}
    assert set(rows) == {(scjg.code, 3), (scjg.code, 4), (yjgl.code, 3)}
    march = rows[(scjg.code, 3)]
    assert march.department_name == f"部门{scjg.code}"
    assert (march.inspections, _share(march.joint), _share(march.drawn)) == (8, (1, 8, 1250), (1, 8, 1250))
    assert _share(march.published_on_time) == (1, 2, 5000)
    assert (march.rating.count, march.rating.average_hundredths, march.rating.withheld) == (3, 400, False)
    april = rows[(scjg.code, 4)]
    assert (april.inspections, april.rating.count, april.rating.withheld, april.rating.score_sum) == (
        1,
        1,
        True,
        0,
    )
    joint = rows[(yjgl.code, 3)]
    assert (joint.inspections, _share(joint.joint), _share(joint.published_on_time)) == (
        1,
        (1, 1, 10000),
        (0, 1, 0),
    )
    text = str(board) + board.SerializeToString().decode("utf-8", "replace")
    for secret in (district, "上海测试制造有限公司", "张", "clerk", "IS0"):
        assert secret not in text
    assert public.GetDashboard(public_pb.GetDashboardRequest(year=2025)).rows == []
    with pytest.raises(grpc.RpcError) as refused:
        public.GetDashboard(public_pb.GetDashboardRequest(year=0))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "year" in field_violations(refused.value)


def test_an_enterprises_burden_this_year(
    stats: Any, registry: Any, district: str, scjg: Department, yjgl: Department
) -> None:
    burden = stats.GetEnterpriseBurden(
        pb.GetEnterpriseBurdenRequest(uscc=district), metadata=enterprise_md(district)
    )
    assert (burden.year, burden.as_of.month, burden.as_of.day) == (2026, 4, 1)
    # Monday 30 March to Sunday 5 April: 30 and 31 March (the joint visit, once) and 1 April.
    assert (burden.visits_this_week, burden.visits_this_month, burden.visits_this_year) == (3, 1, 4)
    assert [
        (d.department_code, d.routine, d.routine_cap, d.exempt, d.visits) for d in burden.departments
    ] == [
        (scjg.code, 5, 2, 3, 4),  # routine: not the cancelled one; exempt: triggered, special, emergency
        (yjgl.code, 0, 2, 0, 1),
    ]
    assert stats.GetEnterpriseBurden(pb.GetEnterpriseBurdenRequest(uscc=district), metadata=scjg.md) == burden
    other = make_enterprise(registry, ADMIN)
    with pytest.raises(grpc.RpcError) as refused:
        stats.GetEnterpriseBurden(pb.GetEnterpriseBurdenRequest(uscc=district), metadata=enterprise_md(other))
    assert (refused.value.code(), error_info(refused.value).reason) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "OUT_OF_SCOPE",
    )
    empty = stats.GetEnterpriseBurden(pb.GetEnterpriseBurdenRequest(uscc=other), metadata=LEGAL)
    assert (empty.visits_this_year, list(empty.departments)) == (0, [])
    with pytest.raises(grpc.RpcError) as missing:
        stats.GetEnterpriseBurden(pb.GetEnterpriseBurdenRequest(uscc="91110000000000000X"), metadata=LEGAL)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_the_cli_shows_statistics_the_burden_and_the_dashboard_with_its_chart(
    district: str, scjg: Department, grpc_addr: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    def onecard(md: Any, *args: str, code: int = 0) -> str:
        env = {"ONECARD_TARGET": grpc_addr, "ONECARD_TIMEZONE": "Asia/Shanghai", "COLUMNS": "200"}
        if md:
            env["ONECARD_TOKEN"] = md[0][1].removeprefix("Bearer ")
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return "\n".join(line for line in result.output.splitlines() if not LOG_LINE.match(line))

    shown = onecard(scjg.md, "stats", "department", scjg.code, "--year", "2026", "--month", "3")
    assert "inspections requested" in shown and "1/8 (12.50 %)" in shown
    assert "p50 4 h 0 min, p90 8 h 48 min (3 decided)" in shown
    assert "2/4 (50.00 %), late 1, overdue 1, not yet due 1" in shown
    assert "¥10.00" in shown and "4.00 of 5 (3 ratings)" in shown
    quarter = json.loads(
        onecard(LEGAL, "stats", "department", scjg.code, "--year", "2026", "--quarter", "2", "--json")
    )
    assert (quarter["inspections"], quarter["period"]["quarter"]) == ("1", 2)
    refused = onecard(scjg.md, "stats", "department", "--year", "2026", code=2)
    assert "PERMISSION_DENIED" in refused and "OUT_OF_SCOPE" in refused

    burden = onecard(enterprise_md(district), "stats", "enterprise", district)
    assert "visit days this week" in burden and "5 / 2" in burden

    plot = tmp_path / "monthly.svg"
    board = onecard([], "stats", "dashboard", "--year", "2026", "--plot", str(plot))
    assert "Public dashboard" in board and "█" * 40 in board  # March's 8 is the scale's peak
    assert "4.00 of 5 (3 ratings)" in board and "average withheld" in board
    svg = plot.read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert scjg.code in svg and "Inspections per department and month, 2026" in svg
    rows = json.loads(onecard([], "stats", "dashboard", "--year", "2026", "--json"))["rows"]
    assert [(r["department_code"], r["month"], r["inspections"]) for r in rows] == [
        (scjg.code, 3, "8"),
        (scjg.code, 4, "1"),
        ("YJGL", 3, "1"),
    ]
