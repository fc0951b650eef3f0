"""Windows that end unused: a request still undecided, or an approved inspection nobody checked in
on, moves to EXPIRED when its window has ended — a state and a card entry, so the enterprise's card
and the offices' queues stop showing it as open.

A sweep runs in every server (``expire_lapsed``, every ``expiry_sweep_seconds``) and from
``inspection sweep``. Each inspection is expired under its card lock after re-reading its state, so
replicas sweeping at once expire each one exactly once.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.inspections.common import apply, locked
from inspection.domain.inspections.lifecycle import TRANSITIONS, Event, Flow
from inspection.domain.inspections.model import Rules, State
from inspection.storage import inspections as stored

#: The service itself, as the actor of the card entries it writes on its own.
SYSTEM = Principal(sub="system:expiry", role=Role.ADMIN, org="")
#: States an ended window expires.
EXPIRING = tuple(
    dict.fromkeys(
        state
        for (flow, state, event) in TRANSITIONS
        if flow in (Flow.APPROVED_IN_ADVANCE, Flow.JOINT_CHECK)
        and event is Event.EXPIRE
        and state is not None
    )
)


def lapsed_inspections(session: Session, rules: Rules, *, now: dt.datetime, limit: int) -> list[str]:
    """Ids of inspections whose window ended before today and that are still waiting for it."""
    today = rules.calendar.today(now)
    return [i for i, _ in stored.lapsed(session, states=EXPIRING, before=today, limit=limit)]


def expire_inspection(session: Session, rules: Rules, inspection_id: str, *, now: dt.datetime) -> bool:
    """Expires one inspection if, under its card lock, it is still waiting on an ended window."""
    inspection, card = locked(session, inspection_id)
    if inspection.state not in EXPIRING or inspection.window_end >= rules.calendar.today(now):
        return False
    was = State(inspection.state)
    apply(
        session,
        card,
        inspection,
        Event.EXPIRE,
        actor=SYSTEM,
        now=now,
        payload={"was": was.value, "window_end": inspection.window_end.isoformat()},
    )
    return True
