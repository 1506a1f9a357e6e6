"""Warnings for dispatchers: photo far from the reported spot, or taken long before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from inspector.photos.checks import Thresholds, distance_m, first_position, warnings_for

REPORTED = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SPOT = (30.64, 113.13)


@dataclass
class P:
    gps_lat: float | None = None
    gps_lon: float | None = None
    taken_at: datetime | None = None


def _north(metres: float) -> tuple[float, float]:
    return SPOT[0] + metres / 110_850, SPOT[1]  # ~m per degree of latitude near 30°N


def test_geodesic_distance() -> None:
    assert distance_m(SPOT, _north(1000)) == pytest.approx(1000, rel=0.01)


def test_far_photo_warns_near_one_does_not() -> None:
    photos = [P(*_north(150)), P(*_north(400))]
    found = warnings_for(photos, *SPOT, REPORTED, Thresholds())
    assert [(w["code"], w["photo_index"]) for w in found] == [("gps_mismatch", 1)]
    assert found[0]["distance_m"] == pytest.approx(400, rel=0.02)
    assert "米" in found[0]["message"] and " / " in found[0]["message"]


def test_threshold_is_configurable() -> None:
    photos = [P(*_north(150))]
    assert warnings_for(photos, *SPOT, REPORTED, Thresholds(gps_mismatch_m=100))[0]["code"] == (
        "gps_mismatch"
    )


def test_old_photo_warns() -> None:
    photos = [P(taken_at=REPORTED - timedelta(hours=23)), P(taken_at=REPORTED - timedelta(days=3))]
    found = warnings_for(photos, None, None, REPORTED, Thresholds())
    assert [(w["code"], w["photo_index"]) for w in found] == [("photo_too_old", 1)]
    assert found[0]["age_h"] == pytest.approx(72)
    assert (
        warnings_for(photos, None, None, REPORTED, Thresholds(max_age_h=12))[0]["photo_index"] == 0
    )


def test_camera_clock_far_ahead_warns() -> None:
    photos = [
        P(taken_at=REPORTED + timedelta(minutes=5)),
        P(taken_at=REPORTED + timedelta(hours=8)),
    ]
    found = warnings_for(photos, None, None, REPORTED, Thresholds())
    assert [(w["code"], w["photo_index"]) for w in found] == [("photo_time_in_future", 1)]


def test_nothing_to_compare_no_warning() -> None:
    assert warnings_for([P(), P(*_north(5000))], None, None, REPORTED, Thresholds()) == []
    assert warnings_for([P()], *SPOT, REPORTED, Thresholds()) == []


def test_first_position() -> None:
    assert first_position([P(), P(1.5, 2.5), P(3.0, 4.0)]) == (1.5, 2.5)
    assert first_position([P(), P(taken_at=REPORTED)]) is None
