"""A human-readable address for a located point.

Without configuration the address is composed from the zone names (no network, always works):
"西城区解放街道鼓楼社区 07号网格". With GEOCODER set ("nominatim" or "baidu:<ak>") geopy asks that
service first, with a short timeout; any geocoder failure falls back to the composed address, so
a slow or unreachable map service never fails a report.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from .coords import from_wgs84, to_wgs84

log = logging.getLogger(__name__)
GEOCODER_TIMEOUT_S = 3
USER_AGENT = "inspector-civic-reporting/0.1"


def composed_address(chain: dict[str, dict[str, Any]]) -> str:
    """District + subdistrict + community, then the grid's own name without the community prefix."""
    area = "".join(
        chain[lvl]["name"] for lvl in ("district", "subdistrict", "community") if lvl in chain
    )
    grid = chain.get("grid")
    if grid is None:
        return area
    name = grid["name"]
    community = chain.get("community", {}).get("name")
    if community and name.startswith(community) and len(name) > len(community):
        name = name[len(community) :]
    return f"{area} {name}".strip()


def geocoder_from_setting(setting: str):  # noqa: ANN201 - (geocoder, system, kwargs) or None
    """'nominatim', 'nominatim:<host>' or 'baidu:<ak>' -> (geopy geocoder, the coordinate system
    it expects, extra reverse() arguments); anything else (empty) -> None: compose locally."""
    kind, _, arg = (setting or "").strip().partition(":")
    kind = kind.lower()
    if kind == "nominatim":
        from geopy.geocoders import Nominatim

        kwargs: dict[str, Any] = {"user_agent": USER_AGENT, "timeout": GEOCODER_TIMEOUT_S}
        if arg:  # a self-hosted Nominatim: "nominatim:http://10.0.0.5:8080"
            kwargs["scheme"] = "http" if arg.startswith("http://") else "https"
            kwargs["domain"] = arg.split("://", 1)[-1].rstrip("/")
        return Nominatim(**kwargs), "wgs84", {"language": "zh-CN"}
    if kind == "baidu" and arg:
        from geopy.geocoders import BaiduV3

        return BaiduV3(api_key=arg, timeout=GEOCODER_TIMEOUT_S), "bd09", {}
    return None


def address_for(location: Any, lat: float, lon: float) -> str:
    """The address of a WGS-84 point already located in `location` (a grid Location)."""
    fallback = composed_address(location.chain)
    made = geocoder_from_setting(current_app.config.get("GEOCODER") or "")
    if made is None:
        return fallback
    geocoder, system, extra = made
    qlat, qlon = from_wgs84(lat, lon, system)
    try:
        found = geocoder.reverse((qlat, qlon), exactly_one=True, **extra)
    except Exception as exc:  # noqa: BLE001 - any geocoder failure: use the zone names
        log.warning("reverse geocoding failed: %s", exc)
        return fallback
    text = getattr(found, "address", None)
    return text.strip() if isinstance(text, str) and text.strip() else fallback


def geocode(text: str) -> tuple[float, float]:
    """WGS-84 (lat, lon) of an address typed by a person, through the configured GEOCODER.

    Unlike `address_for` there is nothing to fall back to: without a geocoder, or when it finds
    nothing, the caller is told so plainly (422); an unreachable geocoder is a 503."""
    from ..errors import ApiError

    made = geocoder_from_setting(current_app.config.get("GEOCODER") or "")
    if made is None:
        raise ApiError(
            422,
            "geocoder_not_configured",
            "未配置地理编码服务,无法识别地址,请提供经纬度 / "
            "no geocoder is configured (INSPECTOR_GEOCODER): send lat and long",
        )
    geocoder, system, extra = made
    try:
        found = geocoder.geocode(text, exactly_one=True, **extra)
    except Exception as exc:  # noqa: BLE001 - any geocoder failure is the service's, not the input's
        log.warning("geocoding failed: %s", exc)
        raise ApiError(
            503, "geocoder_unavailable", "地理编码服务暂不可用 / the geocoder is unavailable"
        ) from exc
    if found is None:
        raise ApiError(422, "address_not_found", f"找不到地址 {text} / address not found")
    return to_wgs84(float(found.latitude), float(found.longitude), system)


def geocode_address(text: str) -> tuple[float, float] | None:
    """As `geocode`, but None when no geocoder is configured, nothing was found, or the service
    failed: an import reports the row instead of failing the whole file."""
    from ..errors import ApiError

    try:
        return geocode(text)
    except ApiError:
        return None
