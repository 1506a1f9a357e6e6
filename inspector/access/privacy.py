"""What public views may show of a person: a position rounded to ~50 m, a masked phone number.

Pure functions. A 随手拍 photo taken from a doorstep must not point at the reporter's home, so
public views snap positions to the centre of a fixed ~50 m cell: every point in a cell gives the
same answer, so many reports from one doorstep cannot be averaged back to it.
"""

from __future__ import annotations

import math

PUBLIC_CELL_M = 50.0
_M_PER_DEG_LAT = 111_320.0


def public_position(lat: float, lon: float, cell_m: float = PUBLIC_CELL_M) -> tuple[float, float]:
    """The centre of the ~cell_m x cell_m cell holding (lat, lon); at most ~0.71 * cell_m away."""
    dlat = cell_m / _M_PER_DEG_LAT
    row = math.floor(lat / dlat)
    lat_c = (row + 0.5) * dlat
    # The east-west step depends on the row only, so the whole cell shares one step.
    dlon = cell_m / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat_c)), 1e-6))
    lon_c = (math.floor(lon / dlon) + 0.5) * dlon
    return round(lat_c, 6), round(lon_c, 6)


def mask_name(name: str | None) -> str:
    """张三丰 -> 张**, for public lists of reporters (never the whole name or the phone)."""
    if not name:
        return "匿名"
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    """13812345678 -> 138****5678 (the usual 公示 form: carrier prefix and last four); a short
    number keeps its last two digits only. Anything but digits (and a +86) is dropped first."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):  # +86 country code
        digits = digits[2:]
    if not digits:
        return None
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]
