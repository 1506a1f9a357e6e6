"""Cases near a place: duplicate proposals (open, same category) and recurrences (反弹)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from geopy.distance import geodesic
from sqlalchemy import select

from ..extensions import db
from .models import Case
from .states import OPEN

_M_PER_DEG_LAT = 111_320.0


def _around(lat: float, lon: float, radius_m: float):
    dlat = radius_m / _M_PER_DEG_LAT
    dlon = radius_m / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 0.01))
    return (
        Case.lat.between(lat - dlat, lat + dlat),
        Case.lon.between(lon - dlon, lon + dlon),
    )


def _closest(cases: list[Case], lat: float, lon: float, radius_m: float) -> Case | None:
    scored = [(geodesic((lat, lon), (c.lat, c.lon)).meters, c.id, c) for c in cases]
    scored = [s for s in scored if s[0] <= radius_m]
    return min(scored)[2] if scored else None


def find_duplicate(
    category_id: int | None, lat: float, lon: float, radius_m: float, exclude_id: int | None
) -> Case | None:
    """The nearest open case of the same category within the radius (the one to merge into)."""
    if category_id is None:
        return None
    query = select(Case).where(
        Case.category_id == category_id, Case.status.in_(OPEN), *_around(lat, lon, radius_m)
    )
    if exclude_id is not None:
        query = query.where(Case.id != exclude_id)
    return _closest(list(db.session.scalars(query)), lat, lon, radius_m)


def find_recurrence(
    category_id: int | None, lat: float, lon: float, radius_m: float, days: int, now: datetime
) -> Case | None:
    """A case of the same category closed at this spot within the last `days` days (死灰复燃)."""
    if category_id is None:
        return None
    query = select(Case).where(
        Case.category_id == category_id,
        Case.status == "closed",
        Case.closed_at >= now - timedelta(days=days),
        *_around(lat, lon, radius_m),
    )
    return _closest(list(db.session.scalars(query)), lat, lon, radius_m)
