"""Answer shapes of photos for the OpenAPI document (photos.service.photo_json); documentation
only: views send their dicts as they are."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer, LatLon
from ..schemas import Int


class PhotoOut(Answer):
    """Signed URLs: whoever got this JSON may fetch the derivatives without a token."""

    id = Int(required=True)
    url = fields.String(required=True, metadata={"description": "显示尺寸 / display size"})
    thumb_url = fields.String(required=True)
    taken_at = fields.DateTime(required=True, allow_none=True)
    exif_gps = fields.Nested(
        LatLon,
        required=True,
        allow_none=True,
        metadata={"description": "公众取约50米格中心 / rounded for the public"},
    )
    original_url = fields.String(metadata={"description": "仅有权查看原图的工作人员 / staff only"})
