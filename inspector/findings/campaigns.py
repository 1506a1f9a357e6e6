"""专项整治 campaigns: which cases fall inside one (period x area x categories) and its report.

Membership is a query, not a stored tag: a case reported late, or re-categorised by the
dispatcher, belongs to the campaign as soon as its facts say so. Rejected, void and merged cases
are not problems found (not a problem, or counted in the case they were merged into).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import selectinload

from ..access.actor import Actor
from ..categories.models import Category
from ..errors import ApiError
from ..extensions import db
from ..grid.models import Zone
from ..org.models import Unit
from ..points.models import EvaluationPoint
from ..timeutil import CHINA, as_utc
from ..workflow.models import Case
from ..workflow.queries import visible_cases
from .models import Campaign

NOT_FOUND_STATUSES = ("rejected", "void", "merged")


@dataclass
class CampaignInput:
    name: str
    from_date: date
    to_date: date
    zone_codes: list[str] = field(default_factory=list)
    point_codes: list[str] = field(default_factory=list)
    category_codes: list[str] = field(default_factory=list)


def _ids(model: Any, codes: list[str], what: str) -> list[int]:  # noqa: ANN401 - a model class
    if not codes:
        return []
    found = dict(
        db.session.execute(select(model.code, model.id).where(model.code.in_(codes))).all()
    )
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ApiError(
            422,
            "invalid_input",
            f"{what}不存在 / unknown {what}: {', '.join(unknown)}",
            {"unknown": unknown},
        )
    return [found[c] for c in codes]


def create_campaign(actor: Actor, data: CampaignInput, now: datetime) -> Campaign:
    if data.from_date > data.to_date:
        raise ApiError(
            422, "invalid_input", "开始日期晚于结束日期 / from is after to", {"field": "from"}
        )
    _ids(Zone, data.zone_codes, "区域")
    _ids(EvaluationPoint, data.point_codes, "点位")
    _ids(Category, data.category_codes, "问题类别")
    campaign = Campaign(
        name=data.name,
        from_date=data.from_date,
        to_date=data.to_date,
        zone_codes=sorted(set(data.zone_codes)),
        point_codes=sorted(set(data.point_codes)),
        category_codes=sorted(set(data.category_codes)),
        created_by_id=actor.account_id,
        created_at=now,
    )
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), CHINA).astimezone(UTC)


def _area_and_categories(campaign: Campaign) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [Case.status.not_in(NOT_FOUND_STATUSES)]
    zones = _ids(Zone, campaign.zone_codes, "区域")
    points = _ids(EvaluationPoint, campaign.point_codes, "点位")
    if zones or points:
        area = [
            column.in_(zones)
            for column in (Case.grid_id, Case.community_id, Case.subdistrict_id, Case.district_id)
            if zones
        ]
        if points:
            area.append(Case.point_id.in_(points))
        conditions.append(or_(false(), *area))
    if campaign.category_codes:
        conditions.append(Case.category_id.in_(_ids(Category, campaign.category_codes, "问题类别")))
    return and_(*conditions)


def _tally(cases: list[Case], now: datetime) -> dict[str, Any]:
    found = len(cases)
    closed = [c for c in cases if c.status == "closed"]
    on_time = [
        c
        for c in closed
        if c.due_at is not None
        and c.rectified_at is not None
        and as_utc(c.rectified_at) <= as_utc(c.due_at)
    ]
    return {
        "found": found,
        "closed": len(closed),
        "closed_on_time": len(on_time),
        "open": found - len(closed),
        "overdue_open": sum(c.is_overdue(now) for c in cases),
        "recurrences": sum(c.recurrence_of_id is not None for c in cases),
        "closing_rate": round(len(closed) / found, 4) if found else None,
        "on_time_rate": round(len(on_time) / found, 4) if found else None,
    }


def campaign_report(campaign: Campaign, actor: Actor, now: datetime) -> dict[str, Any]:
    """Cases found during the campaign, by unit, with closing and on-time rates (fractions, null
    when nothing was found); `after`: cases found in the same area and categories since it ended
    (does the problem come back once the campaign is over?)."""
    start, end = _day_start(campaign.from_date), _day_start(campaign.to_date + timedelta(days=1))
    scope = and_(_area_and_categories(campaign), visible_cases(actor))
    during = list(
        db.session.scalars(
            select(Case)
            .where(scope, Case.created_at >= start, Case.created_at < end)
            .options(selectinload(Case.unit))
            .order_by(Case.id)
        )
    )
    after = list(db.session.scalars(select(Case).where(scope, Case.created_at >= end)))
    units: dict[str | None, list[Case]] = {}
    for case in during:
        units.setdefault(case.unit.code if case.unit else None, []).append(case)
    names = {code: name for code, name in db.session.execute(select(Unit.code, Unit.name))}
    return {
        **campaign_json(campaign),
        **_tally(during, now),
        "by_unit": [
            {
                "unit_code": code,
                "unit_name": names.get(code) if code else "未派遣",
                **_tally(cs, now),
            }
            for code, cs in sorted(units.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
        ],
        "after": {
            "found": len(after),
            "recurrences": sum(c.recurrence_of_id is not None for c in after),
        },
        "case_ids": [c.id for c in during],
    }


_HEAD = (
    "责任单位",
    "单位编码",
    "发现",
    "结案",
    "按期结案",
    "未结案",
    "超期未结",
    "反弹",
    "结案率",
    "按期结案率",
)


def _cells(u: dict) -> list:
    return [
        u["unit_name"],
        u["unit_code"],
        u["found"],
        u["closed"],
        u["closed_on_time"],
        u["open"],
        u["overdue_open"],
        u["recurrences"],
        u["closing_rate"],
        u["on_time_rate"],
    ]


def report_table(report: dict) -> tuple[list[str], list[list]]:
    """Header and rows (units, then the whole campaign) for the HTML and XLSX documents."""
    total = {**report, "unit_name": "合计", "unit_code": None}
    return list(_HEAD), [*(_cells(u) for u in report["by_unit"]), _cells(total)]


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """What a campaign was set up with: the head of its creation answer and of its report."""
    return {
        "id": campaign.id,
        "name": campaign.name,
        "from": campaign.from_date.isoformat(),
        "to": campaign.to_date.isoformat(),
        "zone_codes": campaign.zone_codes,
        "point_codes": campaign.point_codes,
        "category_codes": campaign.category_codes,
    }
