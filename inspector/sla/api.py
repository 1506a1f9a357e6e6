"""Notifications of the SLA job: a unit reads its own; dispatchers and supervisors read all."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from ..access.auth import current_actor, require_roles
from ..access.roles import DISPATCHER, SUPERVISOR, UNIT_STAFF
from ..errors import not_found
from ..extensions import db
from ..pagination import PageArgs, page_of, paginate
from ..schemas import Id
from ..timeutil import iso_local
from .models import KINDS, Notification, NotificationRead
from .present import notification_json
from .queries import notification_list, read_times, visible_notifications
from .schemas import NotificationOut

blp = Blueprint("notifications", __name__, description="通知 / Notifications")

READERS = (UNIT_STAFF, DISPATCHER, SUPERVISOR)


class NotificationArgs(PageArgs):
    unread = fields.Boolean(load_default=False)
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    case_id = Id(load_default=None)


@blp.route("/notifications", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(NotificationArgs, location="query")
@blp.alt_response(200, schema=page_of(NotificationOut), success=True)
def list_notifications(args: dict):
    actor = current_actor()
    query = notification_list(actor, args["unread"], args["kind"], args["case_id"])
    page = paginate(query, Notification.id, args, notification_json)
    reads = read_times(actor, [item["id"] for item in page["items"]])
    for item in page["items"]:
        read_at = reads.get(item["id"])
        item.update(read=read_at is not None, read_at=iso_local(read_at))
    return page


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@require_roles(*READERS)
@blp.alt_response(200, schema=NotificationOut, success=True)
def mark_read(notification_id: int):
    actor = current_actor()
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, visible_notifications(actor))
    )
    if notification is None:
        raise not_found("通知 / Notification")
    read = db.session.get(NotificationRead, (notification.id, actor.account_id))
    if read is None:
        read = NotificationRead(notification_id=notification.id, account_id=actor.account_id)
        db.session.add(read)
        db.session.flush()
    body = notification_json(notification, read.read_at)
    return body
