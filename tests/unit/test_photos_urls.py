"""Signed photo URLs: bound to photo and variant, expiring, stable within the hour."""

from __future__ import annotations

from inspector.photos import urls

KEY = "secret"
NOW = 1_790_000_000.0


def test_round_trip_and_binding() -> None:
    token = urls.sign(KEY, 7, "display", 3600, now=NOW)
    assert urls.verify(KEY, token, 7, "display", now=NOW) is None
    assert urls.verify(KEY, token, 8, "display", now=NOW) == "invalid"
    assert urls.verify(KEY, token, 7, "original", now=NOW) == "invalid"
    assert urls.verify("other", token, 7, "display", now=NOW) == "invalid"
    assert urls.verify(KEY, token + "x", 7, "display", now=NOW) == "invalid"
    assert urls.verify(KEY, "garbage", 7, "display", now=NOW) == "invalid"


def test_expiry() -> None:
    token = urls.sign(KEY, 7, "thumb", 3600, now=NOW)
    assert urls.verify(KEY, token, 7, "thumb", now=NOW + 3599) is None
    assert urls.verify(KEY, token, 7, "thumb", now=NOW + 2 * 3600 + 1) == "expired"


def test_stable_within_the_hour_for_caching() -> None:
    start = (NOW // 3600) * 3600
    assert urls.sign(KEY, 7, "thumb", 3600, now=start + 1) == urls.sign(
        KEY, 7, "thumb", 3600, now=start + 3000
    )
