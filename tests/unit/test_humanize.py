"""Distances and ages for people: 米 below 1 km, 公里 above; 小时, then 天, then 年."""

from __future__ import annotations

from inspector.humanize import age_text, distance_text


def test_distances() -> None:
    assert distance_text(350.4) == ("350 米", "350 m")
    assert distance_text(999.4) == ("999 米", "999 m")
    assert distance_text(1000) == ("1 公里", "1 km")
    assert distance_text(2450) == ("2.5 公里", "2.5 km")  # 2.45 km, one decimal
    assert distance_text(8_555_080) == ("8555.1 公里", "8555.1 km")  # the probe's photo


def test_ages() -> None:
    assert age_text(5) == ("5 小时", "5 h")
    assert age_text(36) == ("1.5 天", "1.5 days")  # 36 h / 24
    assert age_text(24 * 300) == ("300 天", "300 days")
    # The probe's photo: 158668.7 h = 6611.2 days = 18.1 years of 365.25 days.
    assert age_text(158_668.7) == ("18.1 年", "18.1 years")
