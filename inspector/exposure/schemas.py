"""Answer shape of the public exposure board (曝光台) for the OpenAPI document (exposure.service;
documentation only): rounded places, blurred photos, no reporter."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int

_BLURRED = fields.List(
    fields.String(metadata={"description": "模糊处理的照片地址 / blurred photo path"}),
    required=True,
)


class ExposureOut(Answer):
    id = Int(required=True)
    case_number = fields.String(required=True)
    text = fields.String(required=True)
    category_name = fields.String(required=True, allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    area = fields.String(required=True, allow_none=True)
    reported_at = fields.DateTime(required=True)
    exposed_at = fields.DateTime(required=True)
    due_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    unit_name = fields.String(required=True, allow_none=True)
    status_name = fields.String(required=True)
    fixed = fields.Boolean(required=True)
    photos = _BLURRED
    after_photos = _BLURRED
