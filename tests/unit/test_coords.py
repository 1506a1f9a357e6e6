"""WGS-84 <-> GCJ-02 <-> BD-09: published test vectors and round trips."""

from __future__ import annotations

import math

import numpy as np
import pytest

from inspector.grid.coords import (
    SYSTEMS,
    bd09_to_gcj02,
    convert,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    out_of_china,
    to_wgs84,
    wgs84_to_gcj02,
)

# The vectors printed in the README of wandergis/coordTransform_py (the reference implementation
# most Chinese projects copy), input (lon 116.404, lat 39.915); ours take (lat, lon).
PUBLISHED = [
    (wgs84_to_gcj02, (39.91640428150164, 116.41024449916938)),
    (gcj02_to_bd09, (39.92133699351021, 116.41036949371029)),
]
# Their inverses are one-step approximations; ours are exact, so they agree to a few centimetres.
PUBLISHED_INVERSES = [
    (bd09_to_gcj02, (39.90865673957631, 116.39762729119315), gcj02_to_bd09),
    (gcj02_to_wgs84, (39.91359571849836, 116.39775550083061), wgs84_to_gcj02),
]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 111_320
    dlon = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlon)


@pytest.mark.parametrize(("fn", "expected"), PUBLISHED)
def test_published_vectors(fn, expected):
    got = fn(39.915, 116.404)
    assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("fn", "approx", "forward"), PUBLISHED_INVERSES)
def test_inverses_are_exact_and_near_the_published_approximation(fn, approx, forward):
    got = fn(39.915, 116.404)
    assert _metres(got, approx) < 0.5
    assert forward(*got) == pytest.approx((39.915, 116.404), abs=1e-9)


def test_offsets_have_the_known_size():
    # GCJ-02 shifts Beijing by several hundred metres; BD-09 adds about another kilometre.
    gcj = wgs84_to_gcj02(39.915, 116.404)
    assert 300 < _metres(gcj, (39.915, 116.404)) < 800
    assert 500 < _metres(gcj02_to_bd09(*gcj), gcj) < 1500


@pytest.mark.parametrize("source", SYSTEMS)
@pytest.mark.parametrize("target", SYSTEMS)
def test_round_trips_across_china(source, target):
    rng = np.random.default_rng(11)
    for lat, lon in zip(rng.uniform(18, 53, 200), rng.uniform(74, 134, 200), strict=True):
        there = convert(lat, lon, source, target)
        back = convert(*there, target, source)
        assert _metres(back, (lat, lon)) < 0.001, (lat, lon, source, target)


def test_wgs84_path_helpers_agree_with_convert():
    lat, lon = 30.645, 113.135
    for system in SYSTEMS:
        assert from_wgs84(lat, lon, system) == pytest.approx(convert(lat, lon, "wgs84", system))
        there = from_wgs84(lat, lon, system)
        assert to_wgs84(*there, system) == pytest.approx((lat, lon), abs=1e-8)


def test_outside_china_gcj02_is_identity():
    assert out_of_china(48.85, 2.35)
    assert wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)
    assert gcj02_to_wgs84(48.85, 2.35) == (48.85, 2.35)


def test_unknown_system_is_refused():
    with pytest.raises(ValueError):
        convert(30, 113, "wgs84", "utm")
