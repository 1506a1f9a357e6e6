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
