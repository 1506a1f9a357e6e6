"""Distances and ages in the units a person reads: 公里 above 1 km, 天/年 for long ages. Pure.

A dispatcher told "约 8555080 米" or "约 158668.7 小时" has to do arithmetic before he sees that
the photo is from another city and another decade; "约 8555.1 公里" and "约 18.1 年" say it.
Machine-readable figures (distance_m, age_h) stay in the warnings next to these texts.
"""

from __future__ import annotations

HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.25


def _number(value: float) -> str:
    """One decimal, without a trailing '.0' (1.0 -> '1', 1.25 -> '1.2')."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def distance_text(metres: float) -> tuple[str, str]:
    """(中文, English): '350 米' / '350 m' below 1 km, '8.6 公里' / '8.6 km' from 1 km up."""
    if metres < 1000:
        return f"{metres:.0f} 米", f"{metres:.0f} m"
    km = _number(metres / 1000)
    return f"{km} 公里", f"{km} km"


def age_text(hours: float) -> tuple[str, str]:
    """(中文, English): hours below a day, days below a year, then years."""
    if hours < HOURS_PER_DAY:
        value = _number(hours)
        return f"{value} 小时", f"{value} h"
    days = hours / HOURS_PER_DAY
    if days < DAYS_PER_YEAR:
        value = _number(days)
        return f"{value} 天", f"{value} days"
    value = _number(days / DAYS_PER_YEAR)
    return f"{value} 年", f"{value} years"
