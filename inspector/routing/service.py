"""Routing rules and the routing of a (category, place) to its responsible unit."""

from __future__ import annotations

from sqlalchemy import select

from ..categories.models import Category
from ..categories.service import category_by_code
from ..extensions import db
from ..grid.service import Location, zone_by_code
from ..org.models import Unit
from ..org.service import unit_by_code
from ..points.service import point_at
from .models import RoutingRule
from .rules import Decision, decide


def upsert_rule(category_code: str, zone_code: str, unit_code: str) -> RoutingRule:
    category = category_by_code(category_code)
    zone = zone_by_code(zone_code)
    unit = unit_by_code(unit_code)
    rule = db.session.scalar(
        select(RoutingRule).where(
            RoutingRule.category_id == category.id, RoutingRule.zone_id == zone.id
        )
    )
    if rule is None:
        rule = RoutingRule(category=category, zone=zone)
        db.session.add(rule)
    rule.unit = unit
    db.session.flush()
    return rule


def route(category: Category, location: Location, lat: float, lon: float) -> Decision:
    """The unit that must act on `category` at a located WGS-84 point, with the reason.

    Order (domain.md, 派遣): the evaluation point holding the place and its owner; else the most
    specific routing rule for the category along grid -> community -> subdistrict -> district;
    else the category's default unit; else the grid's (or nearest ancestor's) unit.
    """
    point = point_at(lat, lon)
    chain = location.zones
    rules = db.session.execute(
        select(RoutingRule.id, RoutingRule.zone_id, RoutingRule.unit_id).where(
            RoutingRule.category_id == category.id,
            RoutingRule.zone_id.in_([z["id"] for z in chain]),
        )
    ).all()
    decision = decide(
        {"unit_id": point.unit_id, "code": point.code, "name": point.name} if point else None,
        {r.zone_id: {"id": r.id, "unit_id": r.unit_id} for r in rules},
        chain,
        {"unit_id": category.default_unit_id, "code": category.code}
        if category.default_unit_id
        else None,
    )
    detail = dict(
        decision.detail,
        category_code=category.code,
        category_name=category.name,
        grid_code=location.grid_code,
    )
    if decision.unit_id is not None:
        unit = db.session.get(Unit, decision.unit_id)
        detail.update(unit_code=unit.code, unit_name=unit.name)
    return Decision(decision.unit_id, decision.basis, detail)


def rule_json(rule: RoutingRule) -> dict:
    return {
        "id": rule.id,
        "category_code": rule.category.code,
        "zone_code": rule.zone.code,
        "unit_code": rule.unit.code,
    }
