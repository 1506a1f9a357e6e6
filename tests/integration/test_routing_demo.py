"""Routing on the demo county: point owner > most specific zone rule > category default > grid."""

from __future__ import annotations

import pytest

from inspector.categories.service import category_by_code
from inspector.grid.service import locate
from inspector.routing.service import route
from inspector.setup import demo_data as d

from ..helpers import auth


def at(col: float, row: float) -> tuple[float, float]:
    """(lat, lon) of a place given in demo city grid units (col east, row north)."""
    return d.ORIGIN_LAT + row * d.GRID_DLAT, d.ORIGIN_LON + col * d.GRID_DLON


def decide(app, category: str, col: float, row: float):
    lat, lon = at(col, row)
    with app.app_context():
        return route(category_by_code(category), locate(lat, lon), lat, lon)


@pytest.mark.parametrize("point", d.POINTS, ids=[p[0] for p in d.POINTS])
def test_point_owner_wins(demo_app, point):
    code, name, _, owner, (col, row), (w, h), _ = point
    # 0101 has a default (zfj) and 0103 a subdistrict rule: the point owner still wins
    for category in ("0101", "0103"):
        decision = decide(demo_app, category, col + w / 2, row + h / 2)
        assert decision.basis == "point", (code, category)
        assert decision.detail["point_code"] == code and decision.detail["unit_code"] == owner
        assert name in decision.reason_zh


@pytest.mark.parametrize(
    ("category", "col", "row", "unit", "zone"),
    [
        ("0103", 0.5, 0.5, "jd-429901001", "429901001"),  # 西城区 解放街道
        ("0202", 16.5, 9.5, "jd-429902002", "429902002"),  # 东城区 建设街道
        ("0401", 7.5, 6.5, "jd-429901002", "429901002"),  # 西城区 人民街道
        ("0301", 12.5, 0.5, "zjj", "429902"),  # district rule: 东城区 litter -> 住建局
    ],
)
def test_zone_rules(demo_app, category, col, row, unit, zone):
    decision = decide(demo_app, category, col, row)
    assert (decision.basis, decision.detail["zone_code"]) == ("rule", zone)
    assert decision.detail["unit_code"] == unit
    assert f"({zone})" in decision.reason_zh and "分派规则" in decision.reason_zh


def test_category_default_outside_rule_zones(demo_app):
    decision = decide(demo_app, "0301", 0.5, 0.5)  # 西城区 has no litter rule: 环卫处
    assert (decision.basis, decision.detail["unit_code"]) == ("category_default", "hwc")
    assert "默认责任单位" in decision.reason_zh


def test_grid_unit_when_category_has_no_default(demo_app):
    decision = decide(demo_app, "0305", 0.5, 0.5)
    assert decision.basis == "grid_unit"
    assert decision.detail["zone_code"] == "429901001001001"
    assert decision.detail["unit_code"] == "sq-429901001001"
    assert "鼓楼社区居委会" in decision.reason_zh


def test_more_specific_rule_beats_subdistrict_rule(demo_client, demo_app):
    headers = auth(demo_client, "admin")
    body = {"category_code": "0103", "zone_code": "429901001001001", "unit_code": "sjj"}
    assert demo_client.post("/api/v1/routing-rules", json=body, headers=headers).status_code == 201
    decision = decide(demo_app, "0103", 0.5, 0.5)
    assert (decision.detail["unit_code"], decision.detail["zone_level"]) == ("sjj", "grid")
    decision = decide(demo_app, "0103", 1.5, 0.5)  # the neighbouring grid keeps the street rule
    assert decision.detail["unit_code"] == "jd-429901001"


def test_decide_endpoint_explains(demo_client):
    lat, lon = at(0.5, 0.5)
    headers = auth(demo_client, "dispatcher")
    response = demo_client.get(
        f"/api/v1/routing/decide?category_code=0305&lat={lat}&lon={lon}", headers=headers
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["location"]["grid"]["code"] == "429901001001001"
    assert body["decision"]["basis"] == "grid_unit" and body["decision"]["reason_zh"]
    assert body["decision"]["unit_code"] == "sq-429901001001"
    resident = auth(demo_client, "resident")
    assert (
        demo_client.get(
            "/api/v1/routing/decide?category_code=0305&lat=1&lon=1", headers=resident
        ).status_code
        == 403
    )
    outside = demo_client.get(
        "/api/v1/routing/decide?category_code=0305&lat=39.9&lon=116.4", headers=headers
    )
    assert outside.status_code == 404
