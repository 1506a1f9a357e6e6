"""Report reads as SQL (a reporter's own list)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..access.actor import Actor
from ..workflow.models import Case
from .models import Report


def own_reports(actor: Actor) -> Select:
    """GET /me/reports: what the caller sent, with what each row shows loaded per page."""
    return (
        select(Report)
        .where(Report.reporter_id == actor.account_id)
        .options(
            selectinload(Report.photos),
            selectinload(Report.grid),
            selectinload(Report.category),
            selectinload(Report.case).selectinload(Case.reports),
        )
    )
