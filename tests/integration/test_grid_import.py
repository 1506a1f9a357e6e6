"""Zone import over HTTP: every invalid input class, repairs, re-import in place, export round trip,
and an irregular generated city whose every lookup matches a brute-force check."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from ..grid_data import feat, post, small_city, square
from ..helpers import auth
from ..synthetic_grid import voronoi_city


@pytest.fixture
def admin(client):
    from inspector.access.service import create_account
    from inspector.extensions import db

    with client.application.app_context():
        create_account("root", "Root@2026x", "admin", None, [], "管理员", phone=None)
        db.session.commit()
    return auth(client, "root", "Root@2026x")


def test_import_report_then_locate(client, admin):
    response = post(client, small_city(), admin)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["imported"] == 5 and body["created"] == 5 and body["updated"] == 0
    assert body["by_level"] == {"district": 1, "subdistrict": 1, "community": 1, "grid": 2}
    located = client.get("/api/v1/zones/locate?lat=30.002&lon=113.007").get_json()
    assert located["grid"]["code"] == "429980001001002"
    assert located["district"]["code"] == "429980"
    # on the shared border x = 113.005: the grid with the lowest id (imported first) wins
    located = client.get("/api/v1/zones/locate?lat=30.002&lon=113.005").get_json()
    assert located["grid"]["code"] == "429980001001001"


def test_reimport_updates_in_place_and_reports_unchanged(client, admin):
    post(client, small_city(), admin)
    features = small_city()
    features[4]["properties"]["name"] = "改名网格"
    features[4]["geometry"] = square(113.005, 30.0, 0.004)
    body = post(client, features, admin).get_json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 1, 4)
    zones = client.get("/api/v1/zones?level=grid", headers=admin).get_json()["items"]
    assert {z["code"]: z["name"] for z in zones}["429980001001002"] == "改名网格"
    # the shrunk grid no longer covers the strip 113.009-113.01 (gap inside the community)
    # 113.0098 is ~77 m east of the shrunk grid: beyond the 30 m snap distance
    far = client.get("/api/v1/zones/locate?lat=30.002&lon=113.0098")
    assert far.status_code == 404 and far.get_json()["error"]["code"] == "outside_city"
    # 113.0092 is ~19 m east of it: a gap point snapped to the nearest grid
    near = client.get("/api/v1/zones/locate?lat=30.002&lon=113.0092").get_json()
    assert near["grid"]["code"] == "429980001001002" and 18 < near["snapped_m"] < 21


def test_export_reimports_as_a_no_op(client, admin):
    post(client, small_city(), admin)
    exported = client.get("/api/v1/zones/export", headers=admin)
    assert exported.status_code == 200
    collection = exported.get_json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 5
    levels = [f["properties"]["level"] for f in collection["features"]]
    assert levels == ["district", "subdistrict", "community", "grid", "grid"]
    body = post(client, collection["features"], admin).get_json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 5)
    grids = client.get("/api/v1/zones/export?level=grid", headers=admin).get_json()
    assert len(grids["features"]) == 2
    assert client.get("/api/v1/zones/export").status_code == 401


def test_repairs_are_made_and_reported(client, admin):
    features = small_city()
    ring = features[3]["geometry"]["coordinates"][0]
    features[3]["geometry"]["coordinates"][0] = ring[:-1]  # open ring
    body = post(client, features, admin).get_json()
    assert body["imported"] == 5
    assert body["repaired"] == [
        {"feature": 3, "code": "429980001001001", "repair": "闭合未闭合的环 / closed an open ring"}
    ]


def _broken(kind: str) -> tuple[list[dict], int]:
    f = small_city()
    if kind == "unknown_parent":
        f[3]["properties"]["parent_code"] = "429980001009"
        return f, 3
    if kind == "wrong_level_order":
        f[3]["properties"]["parent_code"] = "429980001"  # a grid under a subdistrict
        return f, 3
    if kind == "district_with_parent":
        f[0]["properties"]["parent_code"] = "429980"
        return f, 0
    if kind == "self_intersecting":
        f[4]["geometry"] = {
            "type": "Polygon",
            "coordinates": [
                [
                    [113.005, 30.0],
                    [113.01, 30.005],
                    [113.01, 30.0],
                    [113.005, 30.005],
                    [113.005, 30.0],
                ]
            ],
        }
        return f, 4
    if kind == "not_a_polygon":
        f[4]["geometry"] = {"type": "LineString", "coordinates": [[113.0, 30.0], [113.1, 30.1]]}
        return f, 4
    if kind == "bad_coordinates":
        f[4]["geometry"] = {"type": "Polygon", "coordinates": [[[113.0, "x"]]]}
        return f, 4
    if kind == "duplicate_code":
        f.append(copy.deepcopy(f[4]))
        return f, 5
    if kind == "outside_parent":
        f[4]["geometry"] = square(113.008, 30.0, 0.005)  # sticks 300 m out of its community
        return f, 4
    if kind == "bad_grid_code":
        f[4]["properties"]["code"] = "4299800010010"
        return f, 4
    if kind == "unknown_level":
        f[4]["properties"]["level"] = "street"
        return f, 4
    if kind == "unknown_unit":
        f[4]["properties"]["unit_code"] = "nobody"
        return f, 4
    if kind == "missing_code":
        del f[4]["properties"]["code"]
        return f, 4
    raise AssertionError(kind)


INVALID_KINDS = [
    "unknown_parent",
    "wrong_level_order",
    "district_with_parent",
    "self_intersecting",
    "not_a_polygon",
    "bad_coordinates",
    "duplicate_code",
    "outside_parent",
    "bad_grid_code",
    "unknown_level",
    "unknown_unit",
    "missing_code",
]


def test_invalid_inputs_are_422_naming_the_feature_and_change_nothing(client, admin):
    for kind in INVALID_KINDS:  # one database for all classes: each import must leave it empty
        features, index = _broken(kind)
        response = post(client, features, admin)
        assert response.status_code == 422, (kind, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "invalid_input", kind
        assert error["feature"] == index and f"#{index}" in error["message"], kind
        assert error["errors"][0]["feature"] == index, kind
        assert client.get("/api/v1/zones", headers=admin).get_json()["items"] == [], kind


def test_all_errors_of_a_file_are_listed(client, admin):
    features = small_city()
    features[3]["properties"]["parent_code"] = "nope"
    features[4]["properties"]["level"] = "street"
    error = post(client, features, admin).get_json()["error"]
    assert [e["feature"] for e in error["errors"]] == [4, 3]  # parse errors first, then references


def test_level_of_an_existing_zone_cannot_change(client, admin):
    post(client, small_city(), admin)
    f = [feat("429980001", "district", square(113.0, 30.0, 0.01))]
    response = post(client, f, admin)
    assert response.status_code == 422 and "level" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "payload", [None, [], {"type": "Feature"}, {"type": "FeatureCollection", "features": [1]}]
)
def test_not_a_feature_collection(client, admin, payload):
    response = client.post("/api/v1/zones/import", json=payload, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_input"


def test_generated_irregular_city_matches_brute_force(client, admin):
    collection = voronoi_city(400, seed=5)
    body = post(client, collection["features"], admin).get_json()
    assert body["by_level"]["grid"] == len(collection["features"]) - 3
    grids = [(f["properties"]["code"], shape(f["geometry"])) for f in collection["features"][3:]]
    geoms = np.array([g for _, g in grids], dtype=object)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    rng = np.random.default_rng(1)
    vertices = shapely.get_coordinates(geoms[:20])[::3]
    probes = np.vstack([np.c_[rng.uniform(x0, x1, 150), rng.uniform(y0, y1, 150)], vertices])
    for lon, lat in probes.tolist():
        hits = np.flatnonzero(shapely.intersects_xy(geoms, lon, lat))
        # grids were inserted in file order, so file order = id order: lowest index wins
        want = grids[hits[0]][0]
        got = client.get(f"/api/v1/zones/locate?lat={lat!r}&lon={lon!r}").get_json()
        assert got["grid"]["code"] == want, (lon, lat)
