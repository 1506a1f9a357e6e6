"""WGS-84 <-> GCJ-02 <-> BD-09 with the published formulas. Pure functions, (lat, lon) order."""

from __future__ import annotations

import math

SYSTEMS = ("wgs84", "gcj02", "bd09")
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def out_of_china(lat: float, lon: float) -> bool:
    """GCJ-02 offsets apply only inside China's rough bounding box, as every implementation does."""
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _delta(lat: float, lon: float) -> tuple[float, float]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def _invert(forward, lat: float, lon: float, lat0: float, lon0: float) -> tuple[float, float]:  # noqa: ANN001
    """Solve forward(x) = (lat, lon) by fixed-point steps from (lat0, lon0).

    The published inverses are one-step approximations (errors of centimetres to a metre); both
    forward maps are near-translations, so a few corrections converge to well under a millimetre.
    """
    wlat, wlon = lat0, lon0
    for _ in range(30):
        flat, flon = forward(wlat, wlon)
        dlat, dlon = flat - lat, flon - lon
        wlat, wlon = wlat - dlat, wlon - dlon
        if abs(dlat) < 1e-11 and abs(dlon) < 1e-11:
            break
    return wlat, wlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Exact inverse of wgs84_to_gcj02 (iterated; the published one-step inverse is ~1 m off)."""
    if out_of_china(lat, lon):
        return lat, lon
    return _invert(wgs84_to_gcj02, lat, lon, lat, lon)


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Exact inverse of gcj02_to_bd09: the published formula, then refined by iteration."""
    return _invert(gcj02_to_bd09, lat, lon, *_bd09_to_gcj02_published(lat, lon))


def _bd09_to_gcj02_published(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """Any supported system -> WGS-84 (what we store)."""
    if system == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    if system == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    return lat, lon


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """WGS-84 -> the system a client asked to be answered in."""
    if system == "gcj02":
        return wgs84_to_gcj02(lat, lon)
    if system == "bd09":
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    return lat, lon


def convert(lat: float, lon: float, source: str, target: str) -> tuple[float, float]:
    """Between any two of SYSTEMS; GCJ-02 <-> BD-09 directly (no round trip through WGS-84)."""
    if source not in SYSTEMS or target not in SYSTEMS:
        raise ValueError(f"unknown coordinate system {source!r} or {target!r}")
    if source == target:
        return lat, lon
    if (source, target) == ("gcj02", "bd09"):
        return gcj02_to_bd09(lat, lon)
    if (source, target) == ("bd09", "gcj02"):
        return bd09_to_gcj02(lat, lon)
    return from_wgs84(*to_wgs84(lat, lon, source), target)
