"""pHash distance and the pigeonhole runs that let SQL find near matches."""

from __future__ import annotations

import random

import pytest

from inspector.photos.similar import hamming, parts


def test_hamming() -> None:
    assert hamming("ffff000000000000", "fffe000000000001") == 2
    assert hamming("0" * 16, "0" * 16) == 0
    assert hamming(None, "0" * 16) == 64
    assert hamming("zz", "00") == 64


@pytest.mark.parametrize("max_distance", [0, 3, 6, 10, 15])
def test_any_hash_within_distance_shares_a_run(max_distance: int) -> None:
    rng = random.Random(max_distance)
    runs_cover = parts("0" * 16, max_distance)
    assert sum(length for _, length, _ in runs_cover) == 16
    assert len(runs_cover) == max_distance + 1
    for _ in range(500):
        value = rng.getrandbits(64)
        flipped = value
        for bit in rng.sample(range(64), rng.randint(0, max_distance)):
            flipped ^= 1 << bit
        a, b = f"{value:016x}", f"{flipped:016x}"
        assert hamming(a, b) <= max_distance
        assert any(
            a[start - 1 : start - 1 + length] == digits
            for start, length, digits in parts(b, max_distance)
        )
