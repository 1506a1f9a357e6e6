"""Public positions (~50 m cells) and masked phone numbers."""

from __future__ import annotations

import random

from geopy.distance import geodesic

from inspector.access.privacy import public_position


def test_rounding_moves_at_most_half_a_cell_diagonal():
    rng = random.Random(7)
    for _ in range(2000):
        lat, lon = rng.uniform(18, 53), rng.uniform(73, 135)  # China
        plat, plon = public_position(lat, lon)
        assert geodesic((lat, lon), (plat, plon)).m <= 50 * 0.71 + 0.5


def test_points_in_one_cell_share_one_answer_and_cells_are_about_50m():
    base = public_position(30.64012, 113.13021)
    near = [public_position(30.64012 + d, 113.13021 + d) for d in (0.0, 0.00001, -0.00001)]
    assert len(set(near)) == 1 and near[0] == base
    seen = {public_position(30.64 + i * 0.00001, 113.13) for i in range(1000)}  # ~1.1 km north
    assert 20 <= len(seen) <= 24  # ~1113 m / 50 m
    lats = sorted({p[0] for p in seen})
    steps = {round((b - a) * 111_320) for a, b in zip(lats, lats[1:], strict=False)}
    assert steps <= {49, 50, 51}  # rows ~50 m apart


def test_rounding_is_stable():
    once = public_position(30.6412345, 113.1356789)
    assert public_position(*once) == once
