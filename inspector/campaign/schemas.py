"""Answer shapes of the campaign tools for the OpenAPI document (campaign.pointviews;
documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..photos.schemas import PhotoOut
from ..schemas import Int


class CaseBrief(Answer):
    id = Int(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)
    status_name = fields.String(required=True)
    category_code = fields.String(required=True, allow_none=True)
    category_name = fields.String(required=True, allow_none=True)


class Shot(Answer):
    """A dated photo at the point, with the step of its case that took it."""

    at = fields.DateTime(required=True)
    step = fields.String(required=True)
    step_name = fields.String(required=True)
    clean = fields.Boolean(required=True)
    photo = fields.Nested(PhotoOut, required=True)
    case = fields.Nested(CaseBrief, required=True, allow_none=True)


class PointHistory(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    items = fields.List(fields.Nested(Shot), required=True)


class BoardRow(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    unit_code = fields.String(required=True)
    camera = fields.Boolean(required=True)
    open_problems = Int(required=True)
    overdue_cases = Int(required=True)
    last_problem_at = fields.DateTime(required=True, allow_none=True)
    days_since_last_problem = Int(required=True, allow_none=True)
    last_clean_photo = fields.Nested(Shot, required=True, allow_none=True)


class Board(Answer):
    items = fields.List(fields.Nested(BoardRow), required=True)


class CameraProblem(CaseBrief):
    source = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    reported_at = fields.DateTime(required=True)
    dispatched_at = fields.DateTime(required=True, allow_none=True)
    due_at = fields.DateTime(required=True, allow_none=True)
    rectified_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    photos = fields.List(fields.Nested(Shot), required=True)


class CameraView(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    camera = fields.Boolean(required=True)
    from_ = fields.DateTime(data_key="from", required=True)
    to = fields.DateTime(required=True)
    problems = fields.List(fields.Nested(CameraProblem), required=True)
