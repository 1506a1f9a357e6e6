"""Responsible units: create or update by code."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import invalid
from ..extensions import db
from .models import UNIT_KINDS, Unit


def upsert_unit(
    code: str, name: str, kind: str = "department", head_name: str | None = None
) -> Unit:
    if kind not in UNIT_KINDS:
        raise invalid(f"单位类型无效 {kind} / Unknown unit kind", field="kind")
    unit = db.session.scalar(_by_code(code))
    if unit is None:
        unit = Unit(code=code)
        db.session.add(unit)
    unit.name, unit.kind, unit.head_name = name, kind, head_name or unit.head_name
    db.session.flush()
    return unit


def _by_code(code: str):  # noqa: ANN202 - a Select
    return select(Unit).where(Unit.code == code)


def unit_by_code(code: str, field: str = "unit_code") -> Unit:
    """The unit with this code, or 422 naming the field that carried it."""
    unit = db.session.scalar(_by_code(code))
    if unit is None:
        raise invalid(f"责任单位 {code} 不存在 / Unknown unit {code}", field=field)
    return unit


def unit_json(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "head_name": unit.head_name}
