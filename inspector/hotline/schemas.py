"""Answer shapes of the 12345 hotline endpoints for the OpenAPI document (hotline.service and
hotline.callbacks; documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int


class LineError(Answer):
    line = Int(required=True)
    message = fields.String(required=True)


class HotlineImported(Answer):
    created = Int(required=True)
    updated = Int(required=True)
    unchanged = Int(required=True)
    errors = fields.List(fields.Nested(LineError), required=True)


class SampleItem(Answer):
    case_id = Int(required=True)
    number = fields.String(required=True)
    ticket_no = fields.String(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    recent = fields.Boolean(required=True)
    unit_code = fields.String(required=True, allow_none=True)
    category_name = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    callback_outcome = fields.String(required=True, allow_none=True)


class CallbackSample(Answer):
    seed = Int(required=True, allow_none=True)
    size = Int(required=True)
    months = Int(required=True)
    from_ = fields.DateTime(data_key="from", required=True)
    recent_from = fields.DateTime(required=True)
    population = Int(required=True)
    items = fields.List(fields.Nested(SampleItem), required=True)


class CallbackOut(Answer):
    case_id = Int(required=True)
    outcome = fields.String(required=True)
    outcome_name = fields.String(required=True)
    satisfied = fields.Boolean(required=True)
    follow_up_case_id = Int(metadata={"description": "不满意时新开的案件 / unsatisfied: new case"})
    follow_up_case_number = fields.String()
    note = fields.String(required=True, allow_none=True)
