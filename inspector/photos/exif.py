"""What a photo says about itself: capture time, GPS, camera, orientation. Pure: EXIF tag
dictionaries in (as Pillow's `Exif` and its sub-IFDs give them), plain values out."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

# Tag numbers (EXIF 2.32 / TIFF 6.0).
MAKE, MODEL, ORIENTATION, DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL, OFFSET_TIME = 0x9003, 0x9011, 0x9010
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4
GPS_ALT_REF, GPS_ALT, GPS_IMG_DIRECTION = 5, 6, 17

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class PhotoMeta:
    taken_at: datetime | None = None  # UTC
    taken_at_offset: str | None = None  # "+08:00" as the camera wrote it; None: assumed
    gps_lat: float | None = None
    gps_lon: float | None = None
    gps_alt: float | None = None
    gps_direction: float | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    orientation: int = 1


def parse_exif(
    base: Mapping[int, Any],
    exif_ifd: Mapping[int, Any],
    gps_ifd: Mapping[int, Any],
    default_tz: tzinfo,
) -> PhotoMeta:
    """Read what we use; anything malformed is ignored rather than trusted or fatal.

    A capture time without an offset tag is read in `default_tz` (the city's zone): phones
    write local wall time, and most phones in the field write no offset at all.
    """
    taken_at, offset = _taken_at(base, exif_ifd, default_tz)
    lat = _coordinate(gps_ifd.get(GPS_LAT), gps_ifd.get(GPS_LAT_REF), "S", 90)
    lon = _coordinate(gps_ifd.get(GPS_LON), gps_ifd.get(GPS_LON_REF), "W", 180)
    if lat is None or lon is None or (lat == 0 and lon == 0):  # 0,0: "no fix" on many phones
        lat = lon = None
    return PhotoMeta(
        taken_at=taken_at,
        taken_at_offset=offset,
        gps_lat=lat,
        gps_lon=lon,
        gps_alt=_altitude(gps_ifd) if lat is not None else None,
        gps_direction=_direction(gps_ifd.get(GPS_IMG_DIRECTION)),
        camera_make=_text(base.get(MAKE)),
        camera_model=_text(base.get(MODEL)),
        orientation=orientation_of(base.get(ORIENTATION)),
    )


def orientation_of(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 8 else 1


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _coordinate(value: Any, ref: Any, negative: str, limit: float) -> float | None:
    if isinstance(value, (tuple, list)) and len(value) == 3:
        parts = [_number(v) for v in value]
        if any(p is None or p < 0 for p in parts):
            return None
        degrees = parts[0] + parts[1] / 60 + parts[2] / 3600  # type: ignore[operator]
    else:
        degrees = _number(value)
        if degrees is None:
            return None
    if _text(ref) == negative:
        degrees = -degrees
    return round(degrees, 7) if abs(degrees) <= limit else None


def _altitude(gps: Mapping[int, Any]) -> float | None:
    altitude = _number(gps.get(GPS_ALT))
    if altitude is None:
        return None
    ref = gps.get(GPS_ALT_REF)
    below = ref in (1, b"\x01") or (isinstance(ref, bytes) and ref[:1] == b"\x01")
    return round(-altitude if below else altitude, 2)


def _direction(value: Any) -> float | None:
    number = _number(value)
    return round(number % 360, 2) if number is not None and number >= 0 else None


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip()
    return text[:80] or None


def parse_offset(value: Any) -> timezone | None:
    match = _OFFSET.match(_text(value) or "")
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _taken_at(
    base: Mapping[int, Any], exif_ifd: Mapping[int, Any], default_tz: tzinfo
) -> tuple[datetime | None, str | None]:
    raw = _text(exif_ifd.get(DATETIME_ORIGINAL)) or _text(base.get(DATETIME))
    if not raw:
        return None, None
    try:
        local = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None, None
    offset_text = _text(exif_ifd.get(OFFSET_TIME_ORIGINAL)) or _text(exif_ifd.get(OFFSET_TIME))
    offset = parse_offset(offset_text)
    if offset is None:
        return local.replace(tzinfo=default_tz).astimezone(UTC), None
    return local.replace(tzinfo=offset).astimezone(UTC), offset_text


# Orientation -> Pillow transpose operations that make the pixels upright (EXIF 2.32 §4.6.4).
# Values are Image.Transpose members' integer values, kept numeric so this module stays pure.
FLIP_LEFT_RIGHT, FLIP_TOP_BOTTOM, ROTATE_90, ROTATE_180, ROTATE_270, TRANSPOSE, TRANSVERSE = range(
    7
)
UPRIGHT_OPS: dict[int, tuple[int, ...]] = {
    1: (),
    2: (FLIP_LEFT_RIGHT,),
    3: (ROTATE_180,),
    4: (FLIP_TOP_BOTTOM,),
    5: (TRANSPOSE,),
    6: (ROTATE_270,),
    7: (TRANSVERSE,),
    8: (ROTATE_90,),
}


def upright_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
