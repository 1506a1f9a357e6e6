"""Answer shapes of cases for the OpenAPI document (workflow.present; documentation only: views
send their dicts as they are). Fields outside `present.PUBLIC_CASE_FIELDS` are staff-only and so
not required."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..photos.schemas import PhotoOut
from ..schemas import Int


class CaseOut(Answer):
    """A case in a list (GET /cases): no timeline, no actions."""

    id = Int(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    status_name = fields.String(required=True)
    source = fields.String(required=True)
    source_name = fields.String(required=True, allow_none=True)
    ticket_no = fields.String(allow_none=True, metadata={"description": "12345 工单编号; staff"})
    category_code = fields.String(required=True, allow_none=True)
    category_name = fields.String(required=True, allow_none=True)
    unit_code = fields.String(required=True, allow_none=True)
    unit_name = fields.String(required=True, allow_none=True)
    grid_code = fields.String(required=True, allow_none=True)
    grid_name = fields.String(required=True, allow_none=True)
    point_code = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    description = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    filed_at = fields.DateTime(required=True, allow_none=True)
    dispatched_at = fields.DateTime(required=True, allow_none=True)
    due_at = fields.DateTime(required=True, allow_none=True)
    due_provisional = fields.Boolean(required=True)
    rectified_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    rework_count = Int(required=True)
    return_count = Int(required=True)
    escalation_level = Int(required=True)
    extension_request = fields.Dict(allow_none=True, metadata={"description": "staff only"})
    duplicate_of = Int(required=True, allow_none=True)
    recurrence_of = Int(required=True, allow_none=True)
    merged_into = Int(required=True, allow_none=True)
    batch_id = Int(allow_none=True, metadata={"description": "问题清单 / findings batch; staff"})
    version = Int(required=True, metadata={"description": "乐观锁 / optimistic lock"})
    warnings = fields.List(fields.Dict(), metadata={"description": "staff only"})


class EventActor(Answer):
    role = fields.String(required=True, allow_none=True)
    role_name = fields.String(required=True)
    name = fields.String(metadata={"description": "工作人员姓名,仅工作人员可见 / staff only"})


class EventOut(Answer):
    seq = Int(required=True)
    at = fields.DateTime(required=True)
    actor = fields.Nested(EventActor, required=True)
    action = fields.String(required=True)
    action_name = fields.String(required=True)
    from_ = fields.String(data_key="from", required=True, allow_none=True)
    to = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)


class ActionOut(Answer):
    action = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "按钮名称 / button label"})


class CaseFull(CaseOut):
    """A case with its timeline and what the caller may do now."""

    timeline = fields.List(fields.Nested(EventOut), required=True)
    actions = fields.List(fields.Nested(ActionOut), required=True)
