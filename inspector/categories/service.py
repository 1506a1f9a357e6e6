"""Categories of reportable problems with their time limits (处置时限)."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ..errors import invalid
from ..extensions import db
from ..org.service import unit_by_code
from .models import FAMILIES, TIME_UNITS, Category

# Built once: every intake looks its category up (a statement built per call costs SQLAlchemy as
# much Python again as running it, deriving the new statement's cache key).
_BY_CODE = select(Category).where(Category.code == bindparam("code"))


def upsert_category(
    code: str,
    name: str,
    family: str,
    time_limit: dict,
    default_unit_code: str | None = None,
    name_en: str | None = None,
    filing_condition: str | None = None,
    closing_condition: str | None = None,
    takeover_after_escalations: int | None = None,
    takeover_after_hours: int | None = None,
) -> Category:
    if family not in FAMILIES:
        raise invalid(
            "family 必须是 event 或 component / family must be event or component", field="family"
        )
    value, unit = time_limit.get("value"), time_limit.get("unit")
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value <= 0
        or unit not in TIME_UNITS
    ):
        raise invalid(
            "处置时限无效 / time_limit needs a positive integer value and unit work_hours|work_days",
            field="time_limit",
        )
    owner = unit_by_code(default_unit_code, "default_unit_code") if default_unit_code else None
    cat = db.session.scalar(_BY_CODE, {"code": code})
    if cat is None:
        cat = Category(code=code)
        db.session.add(cat)
    cat.name, cat.family, cat.name_en = name, family, name_en or cat.name_en
    cat.time_limit_value, cat.time_limit_unit = value, unit
    cat.default_unit = owner
    cat.filing_condition = filing_condition or cat.filing_condition
    cat.closing_condition = closing_condition or cat.closing_condition
    # Replaced like the default unit: the posted category is the whole setting.
    cat.takeover_after_escalations = takeover_after_escalations
    cat.takeover_after_hours = takeover_after_hours
    db.session.flush()
    return cat


def category_by_code(code: str, field: str = "category_code") -> Category:
    cat = db.session.scalar(_BY_CODE, {"code": code})
    if cat is None or not cat.active:
        raise invalid(f"类别 {code} 不存在 / Unknown category {code}", field=field)
    return cat


def category_json(cat: Category) -> dict:
    return {
        "code": cat.code,
        "name": cat.name,
        "name_en": cat.name_en,
        "family": cat.family,
        "family_name": FAMILIES[cat.family],
        "time_limit": {"value": cat.time_limit_value, "unit": cat.time_limit_unit},
        "time_limit_text": f"{cat.time_limit_value}{TIME_UNITS[cat.time_limit_unit]}",
        "default_unit_code": cat.default_unit.code if cat.default_unit else None,
        "filing_condition": cat.filing_condition,
        "closing_condition": cat.closing_condition,
        "takeover_after_escalations": cat.takeover_after_escalations,
        "takeover_after_hours": cat.takeover_after_hours,
    }
