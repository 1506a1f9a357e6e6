"""Answer shapes of routing for the OpenAPI document (documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..grid.schemas import ZoneChain
from ..schemas import Int


class RuleOut(Answer):
    id = Int(required=True)
    category_code = fields.String(required=True)
    zone_code = fields.String(required=True)
    unit_code = fields.String(required=True)


class DecisionOut(Answer):
    """rules.Decision.as_json: the basis and every code it matched."""

    unit_id = Int(required=True, allow_none=True)
    basis = fields.String(
        required=True, metadata={"enum": ["point", "rule", "category_default", "grid_unit", "none"]}
    )
    reason_zh = fields.String(required=True)
    point_code = fields.String()
    point_name = fields.String(allow_none=True)
    rule_id = Int()
    zone_code = fields.String()
    zone_name = fields.String(allow_none=True)
    zone_level = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    grid_code = fields.String(allow_none=True)
    category_code = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)


class DecideOut(Answer):
    location = fields.Nested(ZoneChain, required=True)
    decision = fields.Nested(DecisionOut, required=True)
