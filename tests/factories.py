"""Cases and reports made straight in the database, for tests that need one in a given state.

Tests that exercise intake post to /reports instead; these skip it when the state is the point
(an SLA clock, a visibility rule, a photo's access). Call inside an app context; they flush.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from sqlalchemy import select

from inspector.access.models import Account
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.grid.models import Zone
from inspector.org.models import Unit
from inspector.reports.models import Report
from inspector.workflow.models import Case

_numbers = count(1)


def _by_code(model: Any, code: str) -> Any:  # noqa: ANN401 - any model with a code
    row = db.session.scalar(select(model).where(model.code == code))
    assert row is not None, f"{model.__name__} {code} is not in the test database"
    return row


def account_id(username: str) -> int:
    found = db.session.scalar(select(Account.id).where(Account.username == username))
    assert found is not None, f"account {username} is not in the test database"
    return found


def make_case(
    *,
    status: str = "new",
    source: str = "tip",
    grid_code: str | None = None,
    unit_code: str | None = None,
    category_code: str | None = None,
    reporter: str | None = None,
    number: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    **fields: Any,
) -> Case:
    """A case placed in `grid_code` (with its community, sub-district, district), for the unit.

    Without lat/lon it stands at the grid's centre (or 30.64, 113.13 without a grid). With
    `reporter` (a username) it also gets that account's report. Other Case columns go in `fields`.
    """
    case = Case(number=number or f"T{next(_numbers):012d}", status=status, source=source, **fields)
    if grid_code is not None:
        grid = _by_code(Zone, grid_code)
        community = grid.parent
        subdistrict = community.parent if community else None
        case.grid_id = grid.id
        case.community_id = community.id if community else None
        case.subdistrict_id = subdistrict.id if subdistrict else None
        case.district_id = subdistrict.parent_id if subdistrict else None
        lat = (grid.min_lat + grid.max_lat) / 2 if lat is None else lat
        lon = (grid.min_lon + grid.max_lon) / 2 if lon is None else lon
    case.lat = 30.64 if lat is None else lat
    case.lon = 113.13 if lon is None else lon
    if unit_code is not None:
        case.unit = _by_code(Unit, unit_code)
    if category_code is not None:
        case.category = _by_code(Category, category_code)
    db.session.add(case)
    if reporter is not None:
        make_report(case, reporter)
    db.session.flush()
    return case


def make_report(
    case: Case, reporter: str | None = None, source: str | None = None, photos: list = ()
) -> Report:
    """A report of `case` at its place, sent by `reporter` (a username; None: anonymous)."""
    report = Report(
        source=source or case.source,
        reporter_id=account_id(reporter) if reporter else None,
        lat=case.lat,
        lon=case.lon,
        grid_id=case.grid_id,
        case=case,
    )
    db.session.add(report)
    for photo in photos:
        photo.report = report
    db.session.flush()
    return report
