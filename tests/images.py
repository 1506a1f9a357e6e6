"""Real JPEGs made in the test, with the EXIF a phone writes (time, GPS, orientation)."""

from __future__ import annotations

import io
from datetime import datetime
from fractions import Fraction

from PIL import Image

from inspector.timeutil import CHINA


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = Fraction(round(((value - deg) * 60 - minutes) * 60 * 10000), 10000)
    return Fraction(deg), Fraction(minutes), seconds


def jpeg(
    lat: float | None = None,
    lon: float | None = None,
    taken_at: datetime | None = None,
    size: tuple[int, int] = (64, 48),
    color: tuple[int, int, int] = (200, 80, 40),
    orientation: int = 1,
) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Xiaomi"
    exif[0x0110] = "Redmi Note 12"
    if taken_at is not None:
        local = taken_at.astimezone(CHINA)
        exif.get_ifd(0x8769)[0x9003] = local.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[0x9011] = "+08:00"
    if lat is not None and lon is not None:
        gps = exif.get_ifd(0x8825)
        gps[1] = "N" if lat >= 0 else "S"
        gps[2] = _dms(lat)
        gps[3] = "E" if lon >= 0 else "W"
        gps[4] = _dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()
