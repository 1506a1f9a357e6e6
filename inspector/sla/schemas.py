"""Answer shape of a notification for the OpenAPI document (sla.present; documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int


class NotificationCase(Answer):
    id = Int(required=True)
    number = fields.String(required=True, allow_none=True)


class NotificationOut(Answer):
    id = Int(required=True)
    created_at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    level = Int(required=True, allow_none=True)
    level_name = fields.String(required=True, allow_none=True)
    recipient = fields.String(required=True)
    recipient_name = fields.String(required=True, allow_none=True)
    message = fields.String(required=True)
    case = fields.Nested(NotificationCase, required=True)
    unit_code = fields.String(required=True, allow_none=True)
    read = fields.Boolean(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)
