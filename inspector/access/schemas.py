"""Answer shapes of the access package for the OpenAPI document (documentation only: views send
their dicts as they are; access.present and the views make them)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer, CodeName


class TokenOut(Answer):
    token = fields.String(required=True)
    role = fields.String(required=True)
    unit_code = fields.String(required=True, allow_none=True)
    zone_codes = fields.List(fields.String(), required=True)
    expires_at = fields.DateTime(required=True)


class AccountOut(Answer):
    username = fields.String(required=True)
    role = fields.String(required=True)
    display_name = fields.String(required=True, allow_none=True)
    unit_code = fields.String(required=True, allow_none=True)
    zone_codes = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    phone = fields.String(
        allow_none=True, metadata={"description": "仅管理员与本人 / admins and the owner only"}
    )


class ZoneRef(CodeName):
    level = fields.String(required=True)


class MeOut(AccountOut):
    unit = fields.Nested(CodeName, required=True, allow_none=True)
    zones = fields.List(fields.Nested(ZoneRef), required=True)
