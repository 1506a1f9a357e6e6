"""逾期上交下一级 in the unit indicators: `took_over` (cases the unit, a subdistrict office,
received because another unit left them overdue) and `taken_over_from_us` (cases taken from the
unit for that reason), counted from the timeline's `takeover` events in the period
(sla/takeover.py writes them). Kept apart from indicators.py so each figure family stays small.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..workflow.models import Case, CaseEvent
from .queries import Window

FIGURES = ("took_over", "taken_over_from_us")


def takeover_figures(w: Window, where: ColumnElement[bool]) -> dict[str, dict[str, int]]:
    """Per unit code: how many cases it took over, and how many were taken from it."""
    figures: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for figure, key in (("took_over", "unit_code"), ("taken_over_from_us", "from_unit_code")):
        code = CaseEvent.data[key].as_string()
        query = (
            select(code.label("code"), func.count().label("n"))
            .join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.action == "takeover", CaseEvent.at >= w.start, CaseEvent.at < w.end)
            .where(where)
            .group_by(code)
        )
        for row in db.session.execute(query):
            if row.code:
                figures[row.code][figure] = row.n
    return figures


def add_takeover_figures(items: list[dict], w: Window, where: ColumnElement[bool]) -> None:
    """Put both figures (0 when none) on each unit item, by its unit_code."""
    figures = takeover_figures(w, where)
    for item in items:
        item.update(figures.get(item["unit_code"], dict.fromkeys(FIGURES, 0)))
