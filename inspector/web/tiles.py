"""Map tile sources the pages may draw under the grids (INSPECTOR_MAP_TILES).

The choice lives on the server because it changes the pages' Content-Security-Policy: tiles are
images from another host, so that host (and only that one) joins `img-src`. `none` (the default)
draws the grid boundaries alone and the pages contact no outside host at all.

Each source says which coordinate system its tiles are drawn in: AMap's are GCJ-02 (the pages
shift our WGS-84 points onto them, static/coords.js); Tianditu's (CGCS2000, within centimetres
of WGS-84) and OpenStreetMap's are WGS-84.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TileSource:
    url: str  # Leaflet URL template; {s} is one of subdomains, {k} the key
    subdomains: str
    attribution: str
    coord_sys: str  # "wgs84" | "gcj02"
    hosts: tuple[str, ...]  # what img-src must allow
    max_zoom: int = 18
    overlay: str | None = None  # a label layer drawn above (Tianditu's 注记)


_TDT = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={{k}}"
)

SOURCES: dict[str, TileSource | None] = {
    "none": None,
    "tianditu": TileSource(
        url=_TDT.format(s="{s}", layer="vec"),
        overlay=_TDT.format(s="{s}", layer="cva"),
        subdomains="01234567",
        attribution="© 天地图 国家地理信息公共服务平台",
        coord_sys="wgs84",
        hosts=("https://*.tianditu.gov.cn",),
    ),
    "amap": TileSource(
        url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        subdomains="1234",
        attribution="© 高德地图",
        coord_sys="gcj02",
        hosts=("https://*.is.autonavi.com",),
    ),
    "osm": TileSource(
        url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        subdomains="",
        attribution="© OpenStreetMap contributors",
        coord_sys="wgs84",
        hosts=("https://tile.openstreetmap.org",),
        max_zoom=19,
    ),
}


def check(name: str, key: str | None) -> None:
    """Fail at start-up on a source we do not know, or Tianditu without its key."""
    if name not in SOURCES:
        raise ValueError(f"INSPECTOR_MAP_TILES 无效: {name!r};可用 {', '.join(SOURCES)}")
    if name == "tianditu" and not key:
        raise ValueError(
            "INSPECTOR_MAP_TILES=tianditu 需要 INSPECTOR_TIANDITU_KEY(天地图浏览器端密钥)"
        )


def page_settings(name: str, key: str | None) -> dict[str, Any]:
    """What the pages' map module reads (a <meta> tag): tile layer(s) and the tiles' system."""
    source = SOURCES[name]
    if source is None:
        return {"tiles": "none", "coord_sys": "wgs84"}
    return {
        "tiles": name,
        "url": source.url,
        "overlay": source.overlay,
        "subdomains": source.subdomains,
        "attribution": source.attribution,
        "coord_sys": source.coord_sys,
        "max_zoom": source.max_zoom,
        "key": key or "",
    }


def image_hosts(name: str) -> tuple[str, ...]:
    source = SOURCES[name]
    return source.hosts if source else ()
