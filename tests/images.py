"""Phone photos for workflow tests: a place and a time, over photo_samples' EXIF writer."""

from __future__ import annotations

from datetime import datetime

from inspector.timeutil import CHINA

from . import photo_samples


def jpeg(
    lat: float | None = None,
    lon: float | None = None,
    taken_at: datetime | None = None,
    size: tuple[int, int] = (64, 48),
    orientation: int = 1,
) -> bytes:
    """A real JPEG whose EXIF says where (GPS) and when (China time, +08:00) it was taken."""
    taken = taken_at.astimezone(CHINA).strftime("%Y:%m:%d %H:%M:%S") if taken_at else None
    return photo_samples.jpeg(orientation, size, lat=lat, lon=lon, taken=taken)
