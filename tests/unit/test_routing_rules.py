"""The pure routing order and the explanation a dispatcher reads in the timeline."""

from __future__ import annotations

from inspector.routing.rules import decide

GRID = {
    "id": 4,
    "code": "429901001001001",
    "name": "鼓楼社区01号网格",
    "level": "grid",
    "unit_id": 40,
}
COMMUNITY = {
    "id": 3,
    "code": "429901001001",
    "name": "鼓楼社区",
    "level": "community",
    "unit_id": None,
}
SUB = {"id": 2, "code": "429901001", "name": "解放街道", "level": "subdistrict", "unit_id": None}
DISTRICT = {"id": 1, "code": "429901", "name": "西城区", "level": "district", "unit_id": None}
CHAIN = [GRID, COMMUNITY, SUB, DISTRICT]
POINT = {"unit_id": 7, "code": "P001", "name": "人民广场"}
DEFAULT = {"unit_id": 9, "code": "0301"}


def test_point_owner_wins_over_everything():
    rules = {2: {"id": 11, "unit_id": 20}}
    d = decide(POINT, rules, CHAIN, DEFAULT)
    assert (d.unit_id, d.basis) == (7, "point")
    assert "人民广场" in d.reason_zh and "P001" in d.reason_zh


def test_most_specific_rule_wins():
    rules = {1: {"id": 10, "unit_id": 10}, 2: {"id": 11, "unit_id": 20}}
    d = decide(None, rules, CHAIN, DEFAULT)
    assert (d.unit_id, d.basis, d.detail["zone_code"]) == (20, "rule", "429901001")
    assert "分派规则 #11" in d.reason_zh and "街道解放街道" in d.reason_zh
    d = decide(None, {1: {"id": 10, "unit_id": 10}}, CHAIN, DEFAULT)
    assert (d.unit_id, d.detail["zone_level"]) == (10, "district")


def test_category_default_then_grid_unit_then_none():
    d = decide(None, {}, CHAIN, DEFAULT)
    assert (d.unit_id, d.basis) == (9, "category_default")
    d = decide(None, {}, CHAIN, None)
    assert (d.unit_id, d.basis, d.detail["zone_code"]) == (40, "grid_unit", GRID["code"])
    assert "网格鼓楼社区01号网格" in d.reason_zh
    no_units = [dict(z, unit_id=None) for z in CHAIN]
    d = decide(None, {}, no_units, None)
    assert (d.unit_id, d.basis) == (None, "none") and "人工指定" in d.reason_zh


def test_grid_unit_falls_back_to_an_ancestor_with_a_unit():
    chain = [dict(GRID, unit_id=None), COMMUNITY, dict(SUB, unit_id=55), DISTRICT]
    d = decide(None, {}, chain, None)
    assert (d.unit_id, d.detail["zone_code"]) == (55, "429901001")


def test_decision_json_is_plain_and_complete():
    d = decide(POINT, {}, CHAIN, None)
    body = d.as_json()
    assert body["basis"] == "point" and body["point_code"] == "P001"
    assert body["reason_zh"] == d.reason_zh and body["unit_id"] == 7
