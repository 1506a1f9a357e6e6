"""Does the photo fit the report? Pure: photos' EXIF facts and thresholds in, warnings out.

A dispatcher sees these next to the report: a photo taken 3 km away or last week may be
recycled evidence. They never refuse a report (EXIF can be missing or wrong on honest phones);
a report with one of CHECK_FAILURES waits for the dispatcher instead of being filed directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from geopy.distance import geodesic

from ..humanize import age_text, distance_text
from ..timeutil import as_utc

# Warnings that mean the photo failed the place or time check (not merely lacks EXIF).
CHECK_FAILURES = ("gps_mismatch", "photo_too_old", "photo_time_in_future")
# A camera clock a little ahead of the server is normal; hours ahead is a wrong clock or zone.
FUTURE_TOLERANCE = timedelta(minutes=10)


class PhotoFacts(Protocol):
    gps_lat: float | None
    gps_lon: float | None
    taken_at: datetime | None


@dataclass(frozen=True)
class Thresholds:
    gps_mismatch_m: float = 200.0
    max_age_h: float = 24.0


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic (WGS-84 ellipsoid) distance in metres between two (lat, lon) points."""
    return geodesic(a, b).meters


def warnings_for(
    photos: Sequence[PhotoFacts],
    lat: float | None,
    lon: float | None,
    reported_at: datetime,
    limits: Thresholds,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    reported_at = as_utc(reported_at)
    for index, photo in enumerate(photos):
        if None not in (lat, lon, photo.gps_lat, photo.gps_lon):
            far = distance_m((lat, lon), (photo.gps_lat, photo.gps_lon))  # type: ignore[arg-type]
            if far > limits.gps_mismatch_m:
                zh, en = distance_text(far)
                found.append(
                    {
                        "code": "gps_mismatch",
                        "message": f"照片拍摄位置距上报位置约 {zh} / "
                        f"Photo taken about {en} from the reported position",
                        "photo_index": index,
                        "distance_m": round(far, 1),
                        "limit_m": limits.gps_mismatch_m,
                    }
                )
        if photo.taken_at is None:
            continue
        age = reported_at - as_utc(photo.taken_at)
        hours = age.total_seconds() / 3600
        if hours > limits.max_age_h:
            zh, en = age_text(hours)
            found.append(
                {
                    "code": "photo_too_old",
                    "message": f"照片拍摄于上报前约 {zh} / Photo taken about {en} before the report",
                    "photo_index": index,
                    "age_h": round(hours, 2),
                    "limit_h": limits.max_age_h,
                }
            )
        elif -age > FUTURE_TOLERANCE:
            found.append(
                {
                    "code": "photo_time_in_future",
                    "message": "照片拍摄时间晚于上报时间,相机时钟可能有误 / "
                    "Photo time is after the report: camera clock may be wrong",
                    "photo_index": index,
                    "ahead_h": round(-hours, 2),
                }
            )
    return found


def first_position(photos: Sequence[PhotoFacts]) -> tuple[float, float] | None:
    """The first photo that has an EXIF position (photos are in the order the phone sent them)."""
    for photo in photos:
        if photo.gps_lat is not None and photo.gps_lon is not None:
            return photo.gps_lat, photo.gps_lon
    return None
