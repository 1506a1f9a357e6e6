"""Answer shape of a unit for the OpenAPI document (org.service.unit_json; documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer


class UnitOut(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    head_name = fields.String(required=True, allow_none=True)
