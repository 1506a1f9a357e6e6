"""Cases near a place: duplicate proposals (open, same category) and recurrences (反弹)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from geopy.distance import geodesic
from sqlalchemy import ColumnElement, Float, Select, bindparam, literal, select, union_all

from ..extensions import db
from .models import Case
from .states import OPEN

_M_PER_DEG_LAT = 111_320.0
# The planar distance (a sphere's degree, the latitude's cosine) is off from the geodesic by
# under 1 % within a radius: a candidate whose planar distance exceeds the best geodesic so far
# (or the radius) by more than this cannot be the closest one inside the radius.
_PLANAR_SLACK = 1.02


def _box(lat: float, lon: float, radius_m: float) -> dict[str, float]:
    """A box around the circle, as the statements' parameters. Padded: below ~70 degrees of
    latitude (all of China) the sphere's 111,320 m degree is longer than the ellipsoid's latitude
    degree (110,574 m at the equator, 111,694 m at the poles), so an unpadded box cut off the
    circle's rim."""
    radius_m = radius_m * _PLANAR_SLACK
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = radius_m / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 0.01))
    return {
        "lat": lat,
        "lon": lon,
        "scale": math.cos(math.radians(lat)) ** 2,
        "south": lat - dlat,
        "north": lat + dlat,
        "west": lon - dlon,
        "east": lon + dlon,
    }


# Candidates read per search: the nearest few by a planar distance in SQL are enough for the
# geodesic to pick the closest one inside the radius (within the radius the two orders agree to
# centimetres), and the cost stays flat however many cases pile up at one market.
CANDIDATES = 8


@dataclass(frozen=True)
class Near:
    """A case found nearby: what a warning names (intake loads no whole Case for it)."""

    id: int
    number: str


def _search(*where: ColumnElement[bool]) -> Select:
    """The few cases matching `where` in the box (`_box`'s parameters), nearest first by a
    planar distance."""
    lat, lon = bindparam("lat", type_=Float), bindparam("lon", type_=Float)
    planar = (Case.lat - lat) * (Case.lat - lat) + (Case.lon - lon) * (Case.lon - lon) * bindparam(
        "scale", type_=Float
    )
    return (
        select(Case.id, Case.number, Case.lat, Case.lon)
        .where(
            Case.category_id == bindparam("category_id"),
            *where,
            Case.lat.between(bindparam("south"), bindparam("north")),
            Case.lon.between(bindparam("west"), bindparam("east")),
        )
        .order_by(planar, Case.id)
        .limit(CANDIDATES)
    )


# Built once: every intake runs them, and a statement built per call cost as much Python as its
# execution (SQLAlchemy derives each new statement's cache key; a kept one has it).
_DUPLICATES = _search(Case.status.in_(OPEN), Case.id != bindparam("exclude_id"))
_RECURRENCES = _search(Case.status == "closed", Case.closed_at >= bindparam("since"))
_NEARBY = union_all(
    *(
        select(q.add_columns(literal(kind).label("kind")).subquery())
        for kind, q in enumerate((_DUPLICATES, _RECURRENCES))
    )
)


def _nearest(rows: list, lat: float, lon: float, radius_m: float) -> Near | None:
    """The nearest of the candidate rows within the radius, by the geodesic (~70 µs each in pure
    Python): taken in planar order, only those that can still be nearest get it, usually one."""
    scale = math.cos(math.radians(lat))
    flat = [(_M_PER_DEG_LAT * math.hypot(r.lat - lat, (r.lon - lon) * scale), r) for r in rows]
    best: tuple[float, int, str] | None = None
    for distance, row in sorted(flat, key=lambda pair: (pair[0], pair[1].id)):
        if distance > _PLANAR_SLACK * (best[0] if best else radius_m) + 1.0:
            break  # this one and every later row are too far
        scored = (geodesic((lat, lon), (row.lat, row.lon)).meters, row.id, row.number)
        if scored[0] <= radius_m and (best is None or scored < best):
            best = scored
    return Near(*best[1:]) if best else None


def find_duplicate(
    category_id: int | None, lat: float, lon: float, radius_m: float, exclude_id: int | None
) -> Near | None:
    """The nearest open case of the same category within the radius (the one to merge into).

    Bounded (perf-notes.md): index (category_id, status, lat, lon) of revision 0016 reads only
    open cases of the category in a band as tall as the radius; closed history never enters."""
    if category_id is None:
        return None
    params = {**_box(lat, lon, radius_m), "category_id": category_id, "exclude_id": exclude_id or 0}
    return _nearest(db.session.execute(_DUPLICATES, params).all(), lat, lon, radius_m)


def find_recurrence(
    category_id: int | None, lat: float, lon: float, radius_m: float, days: int, now: datetime
) -> Near | None:
    """A case of the same category closed at this spot within the last `days` days (死灰复燃)."""
    if category_id is None:
        return None
    since = now - timedelta(days=days)
    params = {**_box(lat, lon, radius_m), "category_id": category_id, "since": since}
    return _nearest(db.session.execute(_RECURRENCES, params).all(), lat, lon, radius_m)


def find_nearby(
    category_id: int | None, lat: float, lon: float, radius_m: float, days: int, now: datetime
) -> tuple[Near | None, Near | None]:
    """(find_duplicate, find_recurrence) of a new report, in one statement: a round trip less on
    every intake."""
    if category_id is None:
        return None, None
    params = {
        **_box(lat, lon, radius_m),
        "category_id": category_id,
        "exclude_id": 0,  # no case is excluded: ids start at 1
        "since": now - timedelta(days=days),
    }
    rows = db.session.execute(_NEARBY, params).all()
    return (
        _nearest([r for r in rows if r.kind == 0], lat, lon, radius_m),
        _nearest([r for r in rows if r.kind == 1], lat, lon, radius_m),
    )
