"""The composed address and the geocoder setting parser (no network here)."""

from __future__ import annotations

from inspector.grid.address import composed_address, geocoder_from_setting

CHAIN = {
    "grid": {"name": "鼓楼社区07号网格"},
    "community": {"name": "鼓楼社区"},
    "subdistrict": {"name": "解放街道"},
    "district": {"name": "西城区"},
}


def test_composed_from_zone_names():
    assert composed_address(CHAIN) == "西城区解放街道鼓楼社区 07号网格"


def test_grid_name_without_community_prefix_is_kept_whole():
    chain = dict(CHAIN, grid={"name": "A7网格"})
    assert composed_address(chain) == "西城区解放街道鼓楼社区 A7网格"


def test_geocoder_setting():
    assert geocoder_from_setting("") is None
    assert geocoder_from_setting("unknown") is None
    assert geocoder_from_setting("baidu") is None  # no key: compose locally
    geocoder, system, extra = geocoder_from_setting("nominatim")
    assert type(geocoder).__name__ == "Nominatim" and system == "wgs84"
    geocoder, system, _ = geocoder_from_setting("nominatim:http://127.0.0.1:8088")
    assert geocoder.domain == "127.0.0.1:8088" and geocoder.scheme == "http"
    geocoder, system, _ = geocoder_from_setting("baidu:abc123")
    assert type(geocoder).__name__ == "BaiduV3" and system == "bd09"
