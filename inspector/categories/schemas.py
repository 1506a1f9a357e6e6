"""Answer shape of a category for the OpenAPI document (categories.service.category_json;
documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int


class TimeLimitOut(Answer):
    value = Int(required=True)
    unit = fields.String(required=True)


class CategoryOut(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(required=True, allow_none=True)
    family = fields.String(required=True)
    family_name = fields.String(required=True)
    time_limit = fields.Nested(TimeLimitOut, required=True)
    time_limit_text = fields.String(required=True)
    default_unit_code = fields.String(required=True, allow_none=True)
    filing_condition = fields.String(required=True, allow_none=True)
    closing_condition = fields.String(required=True, allow_none=True)
