"""The bounded duplicate search (workflow/nearby.py): however many cases stand near the spot,
it names the nearest OPEN case of the category inside the radius, reading only a few rows.

Distances are worked out by hand: at 30.64 N one degree of latitude is ~110,860 m on the
ellipsoid, so 0.0001 deg north is ~11.1 m; a pile of 30 cases at 5.5 m (0.00005 deg) and
closer closed / other-category cases must not hide the nearest open one.
"""

from __future__ import annotations

from sqlalchemy import select

from inspector.categories.models import Category
from inspector.extensions import db
from inspector.timeutil import utcnow
from inspector.workflow.models import Case
from inspector.workflow.nearby import (
    CANDIDATES,
    find_duplicate,
    find_nearby,
    find_recurrence,
)

from .. import factories

LAT, LON = 30.64, 113.13


def _category(code: str) -> int:
    return db.session.scalar(select(Category.id).where(Category.code == code))


def test_the_nearest_open_case_wins_among_many(demo_app) -> None:
    with demo_app.app_context():
        rubbish, stalls = _category("0301"), _category("0101")
        # Closer than anything open, but closed, or another category: never proposed.
        factories.make_case(status="closed", category_id=rubbish, lat=LAT, lon=LON)
        factories.make_case(status="filed", category_id=stalls, lat=LAT, lon=LON)
        # A pile of open ones at ~5.5 m, more than the search reads...
        pile = [
            factories.make_case(
                status="dispatched", category_id=rubbish, lat=LAT + 0.00005, lon=LON
            )
            for _ in range(CANDIDATES * 3)
        ]
        # ...and the nearest open one, ~1.1 m away, made last (highest id).
        nearest = factories.make_case(
            status="filed", category_id=rubbish, lat=LAT + 0.00001, lon=LON
        )
        db.session.flush()
        assert find_duplicate(rubbish, LAT, LON, 30, exclude_id=None).id == nearest.id
        # Excluding it (the case being reported), the pile's lowest id wins the tie.
        assert find_duplicate(rubbish, LAT, LON, 30, exclude_id=nearest.id).id == pile[0].id
        # A 1 m radius holds none of them.
        assert find_duplicate(rubbish, LAT, LON, 1, exclude_id=None) is None
        # Recurrence reads closed ones only: the closed case at the spot itself.
        closed_id = db.session.scalar(select(Case.id).where(Case.status == "closed"))
        assert find_recurrence(rubbish, LAT, LON, 30, 30, utcnow()) is None  # never closed_at
        db.session.get(Case, closed_id).closed_at = utcnow()
        db.session.flush()
        assert find_recurrence(rubbish, LAT, LON, 30, 30, utcnow()).id == closed_id
        # Intake asks both in one statement: the same two answers.
        both = find_nearby(rubbish, LAT, LON, 30, 30, utcnow())
        assert (both[0].id, both[1].id) == (nearest.id, closed_id)
        duplicate, recurrence = find_nearby(rubbish, LAT, LON, 1, 30, utcnow())
        assert duplicate is None and recurrence.id == closed_id  # closed at the spot itself
        assert find_nearby(stalls, LAT, LON, 30, 30, utcnow())[1] is None  # none closed
        assert find_nearby(None, LAT, LON, 30, 30, utcnow()) == (None, None)
        db.session.rollback()


def test_the_geodesic_decides_where_the_planar_order_errs(demo_app) -> None:
    """The SQL orders candidates by a sphere's degrees; the ellipsoid decides. Worked out by hand
    at 30.64 N (WGS84: meridional radius M = 6,335,439 m, prime vertical N = 6,383,229 m):
    0.0001 deg north is M x 0.0001 x pi/180 = 11.086 m, 0.0001158 deg east is
    N x cos(30.64) x 0.0001158 x pi/180 = 11.101 m. A sphere of 111,320 m per degree says 11.132
    and 11.091 m: the east case first. The north case is the nearer one."""
    with demo_app.app_context():
        rubbish = _category("0301")
        east = factories.make_case(
            status="filed", category_id=rubbish, lat=LAT, lon=LON + 0.0001158
        )
        north = factories.make_case(status="filed", category_id=rubbish, lat=LAT + 0.0001, lon=LON)
        db.session.flush()
        assert find_duplicate(rubbish, LAT, LON, 30, exclude_id=None).id == north.id
        assert find_duplicate(rubbish, LAT, LON, 11.09, exclude_id=None).id == north.id
        assert find_duplicate(rubbish, LAT, LON, 30, exclude_id=north.id).id == east.id
        # 11.09 m holds the north case only, though the sphere puts the east one inside it.
        assert find_duplicate(rubbish, LAT, LON, 11.095, exclude_id=north.id) is None
        db.session.rollback()
