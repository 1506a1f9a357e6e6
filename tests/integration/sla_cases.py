"""Cases made directly in the database for the SLA tests (the workflow endpoints come later)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from inspector.extensions import db
from inspector.sla.calendar import CHINA
from inspector.sla.service import set_due
from inspector.workflow.models import CaseEvent

from ..factories import make_case


def cn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def dispatched_case(
    unit_code: str, at: datetime, value: int = 2, unit: str = "work_hours", status="dispatched"
) -> int:
    """A case dispatched to `unit_code` at `at` with a limit of value/unit; returns its id."""
    case = make_case(
        status=status, source="patrol", lat=30.1, lon=114.2, unit_code=unit_code, dispatched_at=at
    )
    set_due(case, at, value, unit)
    db.session.commit()
    return case.id


def events(case_id: int, action: str) -> list[CaseEvent]:
    return list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.action == action)
            .order_by(CaseEvent.seq)
        )
    )
