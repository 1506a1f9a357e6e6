"""A page of the case list read as plain rows, not ORM instances.

Rendering 200 ORM cases with their category, unit, grid, point and reports spent most of a list
request creating instance states (bench/README.md, issue 14). Here a page is one SELECT of the
columns a list row shows, then one query per related table for the ids on the page (small
per-request dicts), and each row becomes a `ListedCase`: a slotted object that reads like a
Case for `present.case_json(full=False)`, so the list answer is the same JSON as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, select

from ..extensions import db
from ..grid.service import zone_label
from .models import Case, overdue

# What case_json(full=False) reads of the case's own columns (and the related rows' ids).
COLUMNS = (
    "id", "number", "status", "source", "ticket_no", "category_id", "unit_id", "grid_id",
    "point_id", "address", "lat", "lon", "description", "created_at", "filed_at",
    "dispatched_at", "due_at", "due_provisional", "rectified_at", "closed_at", "rework_count",
    "return_count", "escalation_level", "extension_request", "duplicate_of_id",
    "recurrence_of_id", "merged_into_id", "batch_id", "version",
)  # fmt: skip
LIST_COLUMNS = tuple(getattr(Case, name) for name in COLUMNS)


@dataclass(slots=True)
class ListedCase:
    """One list row. `category`, `unit`, `grid`, `point`: rows with `code` and `name` (or
    None); `reports`: rows with id, reporter_id, tracking_token_hash, description, warnings."""

    id: int
    number: str
    status: str
    source: str
    ticket_no: str | None
    category_id: int | None
    unit_id: int | None
    grid_id: int | None
    point_id: int | None
    address: str | None
    lat: float
    lon: float
    description: str | None
    created_at: datetime
    filed_at: datetime | None
    dispatched_at: datetime | None
    due_at: datetime | None
    due_provisional: bool
    rectified_at: datetime | None
    closed_at: datetime | None
    rework_count: int
    return_count: int
    escalation_level: int
    extension_request: dict | None
    duplicate_of_id: int | None
    recurrence_of_id: int | None
    merged_into_id: int | None
    batch_id: int | None
    version: int
    category: Any = None
    unit: Any = None
    grid: Any = None
    point: Any = None
    reports: list[Any] = field(default_factory=list)

    def is_overdue(self, now: datetime | None = None) -> bool:
        return overdue(self.status, self.due_at, now)


def _by_id(relation: Any, ids: Iterable[int | None]) -> dict[int, Row]:  # noqa: ANN401
    """id -> (id, code, name) of the related table's rows. The table is the relationship's
    target (Case.category -> category): no import of the packages that sit above workflow."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = db.session.execute(_labels(relation.key), {"ids": wanted})
    return {row.id: row for row in rows}


# Built once per process (a queue page runs all five): a statement built per call cost
# SQLAlchemy as much Python again as running it, deriving the new statement's cache key. Built
# on first use: the targets' mappers are configured only once every package has been imported.
@cache
def _labels(key: str) -> Select:
    target = getattr(Case, key).property.mapper.class_
    ids = bindparam("ids", expanding=True)
    return select(target.id, target.code, target.name).where(target.id.in_(ids))


@cache
def _reports() -> Select:
    report = Case.reports.property.mapper.class_
    return (
        select(
            report.case_id,
            report.id,
            report.reporter_id,
            report.tracking_token_hash,
            report.description,
            report.warnings,
        )
        .where(report.case_id.in_(bindparam("case_ids", expanding=True)))
        .order_by(report.id)
    )


def _reports_by_case(case_ids: list[int]) -> dict[int, list[Row]]:
    rows = db.session.execute(_reports(), {"case_ids": case_ids})
    by_case: dict[int, list[Row]] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return by_case


def listed_cases(rows: Sequence[Row]) -> list[ListedCase]:
    """A page's rows (LIST_COLUMNS) with their related rows: at most five queries, none per row."""
    cases = [ListedCase(**row._mapping) for row in rows]
    if not cases:
        return cases
    categories = _by_id(Case.category, (c.category_id for c in cases))
    units = _by_id(Case.unit, (c.unit_id for c in cases))
    # case_json takes grid labels from this process's grid index: read only what it lacks.
    grids = _by_id(Case.grid, (c.grid_id for c in cases if zone_label(c.grid_id) is None))
    points = _by_id(Case.point, (c.point_id for c in cases))
    reports = _reports_by_case([c.id for c in cases])
    for case in cases:
        case.category = categories.get(case.category_id)
        case.unit = units.get(case.unit_id)
        case.grid = grids.get(case.grid_id)
        case.point = points.get(case.point_id)
        case.reports = reports.get(case.id, [])
    return cases
