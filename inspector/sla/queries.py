"""Notification reads as SQL: which notices a caller may see, the list, his read marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, or_, select

from ..access.actor import Actor
from ..access.roles import GRID_WORKER, PUBLIC_ROLES, UNIT_STAFF
from ..extensions import db
from ..workflow.models import Case
from ..workflow.queries import visible_cases
from .models import Notification, NotificationRead


def visible_notifications(actor: Actor) -> ColumnElement[bool]:
    """Unit staff: what was addressed to their unit. Grid workers and volunteers: what was
    addressed to them (missed patrols). Dispatchers, supervisors, admins: notices of the cases
    they may see, and those addressed to them."""
    if actor.role == UNIT_STAFF:
        return Notification.unit_id == actor.unit_id
    mine = Notification.account_id == actor.account_id
    if actor.role in PUBLIC_ROLES or actor.role == GRID_WORKER:
        return mine
    return or_(mine, Notification.case_id.in_(select(Case.id).where(visible_cases(actor))))


def _was_read(actor: Actor) -> ColumnElement[bool]:
    return exists().where(
        NotificationRead.notification_id == Notification.id,
        NotificationRead.account_id == actor.account_id,
    )


def notification_list(
    actor: Actor, unread: bool = False, kind: str | None = None, case_id: int | None = None
) -> Select:
    """GET /notifications: the caller's visible notices, optionally unread ones, of a kind/case."""
    query = select(Notification).where(visible_notifications(actor))
    if unread:
        query = query.where(~_was_read(actor))
    if kind:
        query = query.where(Notification.kind == kind)
    if case_id:
        query = query.where(Notification.case_id == case_id)
    return query


def read_times(actor: Actor, ids: Sequence[int]) -> dict[int, datetime]:
    """When the caller read each of these notices (unread ones are missing)."""
    rows = db.session.execute(
        select(NotificationRead.notification_id, NotificationRead.read_at).where(
            NotificationRead.account_id == actor.account_id,
            NotificationRead.notification_id.in_(list(ids)),
        )
    )
    return dict(rows.all())
