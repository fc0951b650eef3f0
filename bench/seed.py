"""Seeding the benchmark's database through the domain layer, in bulk.

Enterprises come in through ``import_enterprises`` (the same path as ImportEnterprises); long cards
are then extended with entries whose hash chain is computed by ``inspection.domain.card.entry_hash``,
so every seeded card verifies exactly like one written entry by entry through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session
from stdnum.cn import uscc as uscc_code

from inspection.auth import Principal, Role
from inspection.domain import card as cards
from inspection.domain.card import EntryKind
from inspection.domain.registry import (
    create_checklist_item,
    create_department,
    create_inspector,
    import_enterprises,
)
from inspection.errors import Violations
from inspection.storage.models import Card, CardEntry, ChecklistItem, Department, Inspector

ADMIN = Principal(sub="bench-admin", role=Role.ADMIN)
INSERT_CHUNK = 5_000
DISTRICTS = ("东城区", "西城区", "朝阳区", "海淀区", "丰台区")
INDUSTRIES = ("制造业", "批发和零售业", "建筑业", "餐饮业", "信息技术服务业")


def uscc(number: int) -> str:
    """The ``number``-th benchmark USCC: valid under GB 32100-2015, distinct for distinct numbers."""
    body = f"91110000MA{number:07d}"
    return body + uscc_code.calc_check_digit(body)


def enterprise_csv(numbers: Iterable[int]) -> bytes:
    """ImportEnterprises CSV for the enterprises with these numbers."""
    lines = ["uscc,name,above_designated_size,industry,district,credit_class,white_listed"]
    for n in numbers:
        lines.append(
            f"{uscc(n)},基准测试企业{n}有限公司,{'是' if n % 3 == 0 else '否'},"
            f"{INDUSTRIES[n % len(INDUSTRIES)]},{DISTRICTS[n % len(DISTRICTS)]},{'ABCD'[n % 4]},否"
        )
    return ("\n".join(lines) + "\n").encode()


def register(session: Session, numbers: Sequence[int], *, now: dt.datetime) -> list[str]:
    """Registers the enterprises (each with its issued card) and returns their USCCs."""
    report = import_enterprises(session, enterprise_csv(numbers), actor=ADMIN, now=now)
    if report.errors or report.rows_imported != len(numbers):
        raise RuntimeError(f"seeding refused rows: {report.errors[:3]}")
    return [uscc(n) for n in numbers]


def _entry(uscc_: str, seq: int, at: dt.datetime, prev_hash: str) -> dict[str, Any]:
    """A plausible history entry: alternating credit-class and district changes."""
    if seq % 2:
        changes = {"credit_class": {"old": "ABCD"[seq % 4], "new": "ABCD"[(seq + 1) % 4]}}
    else:
        changes = {"district": {"old": DISTRICTS[seq % 5], "new": DISTRICTS[(seq + 1) % 5]}}
    fields: dict[str, Any] = {
        "uscc": uscc_,
        "seq": seq,
        "kind": EntryKind.ENTERPRISE_UPDATED.value,
        "actor_sub": ADMIN.sub,
        "actor_role": ADMIN.role.value,
        "actor_org": ADMIN.org,
        "department_code": None,
        "inspection_id": None,
        "time": at,
        "payload_json": cards.canonical_json({"changes": changes}),
        "prev_hash": prev_hash,
    }
    fields["entry_hash"] = cards.entry_hash(**fields)
    return fields


def extend_cards(session: Session, usccs: Sequence[str], *, entries: int, start: dt.datetime) -> None:
    """Appends entries to each card until it holds ``entries``, with a valid chain and head."""
    pending: list[dict[str, Any]] = []
    for uscc_ in usccs:
        card = cards.lock_card(session, uscc_)
        seq, head = card.head_seq, card.head_hash
        while seq < entries:
            seq += 1
            row = _entry(uscc_, seq, start + dt.timedelta(seconds=seq), head)
            head = row["entry_hash"]
            pending.append(row)
            if len(pending) >= INSERT_CHUNK:
                session.execute(insert(CardEntry), pending)
                pending = []
        session.execute(
            update(Card).where(Card.uscc == uscc_).values(head_seq=seq, head_hash=head)  # type: ignore[arg-type]
        )
    if pending:
        session.execute(insert(CardEntry), pending)


@dataclass(frozen=True)
class BenchDepartment:
    code: str
    item_codes: tuple[str, ...]
    inspector_ids: tuple[str, ...]


def joint_departments(session: Session, *, today: dt.date, inspectors: int) -> list[BenchDepartment]:
    """Three departments for joint checks, each with a published item (with its documents) and
    ``inspectors`` certified inspectors."""
    made = []
    for code, name in (("BENCH-FIRE", "消防"), ("BENCH-SAFETY", "应急管理"), ("BENCH-BUILD", "住房建设")):
        create_department(session, Department(code=code, name=f"基准测试{name}局"))
        item = f"{code}-ACCEPT"
        create_checklist_item(
            session,
            ChecklistItem(code=item, department_code=code, name=f"{name}验收", legal_basis="《基准条例》"),
            materials=[f"{name}设计文件", "竣工图纸"],
        )
        ids = tuple(f"{code}-I{i:03d}" for i in range(inspectors))
        for inspector in ids:
            create_inspector(
                session,
                Inspector(
                    id=inspector,
                    department_code=code,
                    name=f"执法人员{inspector[-3:]}",
                    certificate_number=f"ZF-{inspector}",
                    certificate_expiry=today.replace(year=today.year + 2),
                ),
                Violations(),
            )
        made.append(BenchDepartment(code, (item,), ids))
    return made


def approved_joint_checks(
    db: Any,
    rules: Any,
    usccs: Sequence[str],
    departments: Sequence[BenchDepartment],
    *,
    window: tuple[dt.date, dt.date],
    now: dt.datetime,
) -> list[str]:
    """One approved joint check of the three departments per enterprise, through the domain layer
    (propose, two confirmations, both offices); the i-th check uses the i-th pair of inspectors of
    each department (cycling), so that bookings spread over pairs and half-days never collide."""
    from inspection.domain.inspections import decide_inspection, joint
    from inspection.domain.inspections.request import InspectionRequest

    lead, *others = departments
    pairs = len(lead.inspector_ids) // 2
    made = []
    for i, uscc_ in enumerate(usccs):
        pair = slice(2 * (i % pairs), 2 * (i % pairs) + 2)
        with db.write() as session:
            view, _ = joint.propose_joint_check(
                session,
                rules,
                joint.JointCheckProposal(
                    InspectionRequest(
                        uscc=uscc_,
                        kind="TRIGGERED",
                        item_codes=lead.item_codes,
                        legal_basis="《基准条例》第十条",
                        reason="联合验收",
                        window_start=window[0],
                        window_end=window[1],
                        inspector_ids=lead.inspector_ids[pair],
                    ),
                    tuple(d.code for d in others),
                ),
                Violations(),
                actor=Principal(sub="bench-lead", role=Role.DEPARTMENT, org=lead.code),
                now=now,
            )
            inspection_id = view.inspection.id
            for other in others:
                joint.confirm_participation(
                    session,
                    rules,
                    inspection_id,
                    other.item_codes,
                    other.inspector_ids[pair],
                    actor=Principal(sub="bench-participant", role=Role.DEPARTMENT, org=other.code),
                    now=now,
                )
            for office in (Role.LEGAL_OFFICE, Role.SUPERVISION):
                decide_inspection(
                    session,
                    rules,
                    inspection_id,
                    "APPROVE",
                    "同意",
                    Violations(),
                    actor=Principal(sub=f"bench-{office.value}", role=office),
                    now=now,
                )
        made.append(inspection_id)
    return made


def department(session: Session, *, today: dt.date) -> BenchDepartment:
    """A department with published checklist items and certified inspectors, for inspection requests."""
    code = "BENCH-MARKET"
    create_department(session, Department(code=code, name="基准测试市场监督管理局"))
    items = tuple(f"{code}-ITEM-{i}" for i in (1, 2))
    for item in items:
        create_checklist_item(
            session,
            ChecklistItem(
                code=item, department_code=code, name=f"检查事项 {item}", legal_basis="《基准条例》"
            ),
        )
    inspectors = tuple(f"{code}-INSPECTOR-{i}" for i in (1, 2, 3))
    for inspector in inspectors:
        create_inspector(
            session,
            Inspector(
                id=inspector,
                department_code=code,
                name=f"执法人员 {inspector[-1]}",
                certificate_number=f"ZF-{inspector}",
                certificate_expiry=today.replace(year=today.year + 2),
            ),
            Violations(),
        )
    return BenchDepartment(code, items, inspectors[:2])


def visited_inspections(
    session: Session, usccs: Sequence[str], *, today: dt.date, now: dt.datetime
) -> tuple[str, str, list[str]]:
    """A department with one catalogue item, and one inspection of each enterprise visited today
    (in progress), for the fee figures: ``(department code, item code, inspection ids)``. The
    inspections go straight into their tables: their own lifecycle is measured elsewhere."""
    from inspection.domain.registry import create_fee_item
    from inspection.storage.inspection_models import Inspection, InspectionParticipant
    from inspection.storage.models import FeeItem

    code = "BENCH-FEES"
    create_department(session, Department(code=code, name="基准测试收费部门"))
    item = f"{code}-TEST"
    create_fee_item(
        session,
        FeeItem(
            code=item,
            department_code=code,
            name="检验费",
            policy_basis="《基准收费标准》第一条",
            fee_nature="行政事业性收费",
            amount_fen=1_250,
            unit="台",
            collecting_unit="基准测试执收单位",
            valid_from=today - dt.timedelta(days=30),
        ),
        Violations(),
        now=now,
    )
    ids = [f"IFEE-{n:08d}" for n in range(len(usccs))]
    inspections = [
        {
            "id": inspection_id,
            "uscc": uscc_,
            "lead_department": code,
            "kind": "TRIGGERED",
            "origin": "REQUEST",
            "state": "IN_PROGRESS",
            "window_start": today,
            "window_end": today,
            "requested_by": "bench-fees",
            "request_time": now,
            "visit_date": today,
            "check_in_time": now,
        }
        for inspection_id, uscc_ in zip(ids, usccs, strict=True)
    ]
    participants = [{"inspection_id": i, "department_code": code, "confirmed": True} for i in ids]
    session.execute(insert(Inspection), inspections)
    session.execute(insert(InspectionParticipant), participants)
    return code, item, ids
