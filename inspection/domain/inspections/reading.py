"""Reading inspections: one, a list scoped to the viewer, and the public feed (一公开)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.inspections.common import load_view, load_views
from inspection.domain.inspections.model import Inspection, InspectionView, State
from inspection.domain.paging import instant_key, instant_of_key, keyset_page
from inspection.domain.text import check_identifier
from inspection.errors import NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import inspections as stored

_READ_ALL = (Role.LEGAL_OFFICE, Role.SUPERVISION, Role.ADMIN)


def _may_read(inspection: Inspection, viewer: Principal, departments: set[str]) -> bool:
    if viewer.role in _READ_ALL:
        return True
    if viewer.role is Role.ENTERPRISE:
        return viewer.org == inspection.uscc
    if viewer.role is Role.DEPARTMENT:
        return viewer.org in departments
    return False


def get_inspection(session: Session, inspection_id: str, *, viewer: Principal) -> InspectionView:
    violations = Violations()
    check_identifier(violations, "inspection_id", inspection_id)
    violations.raise_if_any()
    inspection = stored.get(session, inspection_id)
    if inspection is None:
        raise NotFound("inspection", inspection_id)
    view = load_view(session, inspection)
    if not _may_read(inspection, viewer, {p.department_code for p in view.participants}):
        raise PermissionDenied("outside the caller's scope", reason=Reason.OUT_OF_SCOPE)
    return view


@dataclass(frozen=True)
class InspectionQuery:
    uscc: str = ""
    department_code: str = ""
    state: str = ""
    kind: str = ""
    #: Inspections whose window overlaps [window_start, window_end].
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    awaiting_my_decision: bool = False

    def as_filters(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items()}


def _newest_first(
    session: Session, where: list[Any], filters: dict[str, Any], *, size: int, token: str
) -> tuple[list[InspectionView], str]:
    rows, next_token = keyset_page(
        lambda after, limit: stored.page_newest_first(session, where, before_id=after, limit=limit),
        lambda row: row.id,
        query=filters,
        size=size,
        token=token,
        key_type=str,
    )
    return load_views(session, rows), next_token


def list_inspections(
    session: Session, query: InspectionQuery, *, viewer: Principal, size: int, token: str
) -> tuple[list[InspectionView], str]:
    """Inspections the viewer may see, newest request first; an office's queue (awaiting its
    decision) earliest due first."""
    if query.awaiting_my_decision and viewer.role not in (Role.LEGAL_OFFICE, Role.SUPERVISION):
        raise PermissionDenied("only an office has decisions waiting", reason=Reason.ROLE_NOT_ALLOWED)
    where = stored.inspection_filter(
        uscc=query.uscc,
        department_code=query.department_code,
        state=query.state,
        kind=query.kind,
        window_start=query.window_start,
        window_end=query.window_end,
        awaiting_office=viewer.role.value if query.awaiting_my_decision else "",
    )
    if viewer.role is Role.ENTERPRISE:
        where += stored.inspection_filter(uscc=viewer.org)
    elif viewer.role is Role.DEPARTMENT:
        where += stored.inspection_filter(department_code=viewer.org)
    filters = {**query.as_filters(), "viewer": f"{viewer.role.value}:{viewer.org}"}
    if query.awaiting_my_decision:
        return _earliest_due_first(session, where, filters, size=size, token=token)
    return _newest_first(session, where, filters, size=size, token=token)


def _earliest_due_first(
    session: Session, where: list[Any], filters: dict[str, Any], *, size: int, token: str
) -> tuple[list[InspectionView], str]:
    """The offices' queue: what is due soonest (overdue first) at the top."""

    def fetch(after: list[Any] | None, limit: int) -> list[Inspection]:
        return stored.page_earliest_due_first(session, where, after=instant_of_key(after), limit=limit)

    rows, next_token = keyset_page(
        fetch,
        lambda row: instant_key(row.decision_due_time or row.request_time, row.id),
        query=filters,
        size=size,
        token=token,
        key_type=list,
    )
    return load_views(session, rows), next_token


def list_published(
    session: Session, *, uscc: str, department_code: str, size: int, token: str
) -> tuple[list[InspectionView], str]:
    """The public feed (一公开): published results, most recently published first. The page key is
    (publish_time, id): publication order is what a reader of the feed follows, and the id breaks
    ties between results published in the same microsecond."""
    where = stored.inspection_filter(uscc=uscc, department_code=department_code, state=State.PUBLISHED)
    filters = {"uscc": uscc, "department_code": department_code, "order": "publish_time"}
    rows, next_token = keyset_page(
        lambda after, limit: stored.page_published(session, where, before=instant_of_key(after), limit=limit),
        lambda row: instant_key(row.publish_time, row.id),
        query=filters,
        size=size,
        token=token,
        key_type=list,
    )
    return load_views(session, rows), next_token
