"""Answer shape of a report for the OpenAPI document (reports.present.report_json;
documentation only: views send their dicts as they are)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer, CodeName
from ..photos.schemas import PhotoOut
from ..schemas import Int


class ReportCase(Answer):
    id = Int(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True)


class ReportWarning(Answer):
    """A hint for the sender or the dispatcher (possible duplicate, recurrence, reused photo);
    each code carries its own details (case_id, distance_m, ...)."""

    code = fields.String(required=True)
    message = fields.String()


class Open311Contact(Answer):
    email = fields.String(required=True, allow_none=True)
    first_name = fields.String(required=True, allow_none=True)
    last_name = fields.String(required=True, allow_none=True)


class ReportOut(Answer):
    id = Int(required=True)
    client_id = fields.String(
        required=True, allow_none=True, metadata={"description": "仅上报人本人 / sender only"}
    )
    status = fields.String(required=True)
    status_name = fields.String(required=True)
    source = fields.String(required=True)
    source_name = fields.String(required=True, allow_none=True)
    lat = fields.Float(required=True, allow_none=True)
    lon = fields.Float(required=True, allow_none=True)
    accuracy_m = fields.Float(required=True, allow_none=True)
    category_code = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    grid = fields.Nested(CodeName, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    photos = fields.List(fields.Nested(PhotoOut), required=True)
    warnings = fields.List(fields.Nested(ReportWarning), required=True)
    rating = Int(required=True, allow_none=True)
    phone = fields.String(
        allow_none=True,
        metadata={"description": "仅有权查看的工作人员,见隐私规则 / staff the policy allows"},
    )
    contact = fields.Nested(
        Open311Contact,
        metadata={"description": "Open311 上报人的联系方式,与电话同样可见范围 / like phone"},
    )
    case = fields.Nested(ReportCase, required=True, allow_none=True)
    after_photos = fields.List(
        fields.Nested(PhotoOut), metadata={"description": "整改后 / after rectification"}
    )
    tracking_token = fields.String(
        metadata={"description": "匿名上报的查询凭证,仅首次回答 / anonymous sender, first answer"}
    )
