"""The foundation: schema, demo city, the locate endpoint and the error envelope."""

from __future__ import annotations

from inspector.setup.demo import grid_center

from ..helpers import auth


def test_locate_inside_demo_city_answers_whole_chain(demo_client):
    lat, lon = grid_center("429901001001007")
    response = demo_client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["grid"]["code"] == "429901001001007"
    assert body["community"] == {"code": "429901001001", "name": "鼓楼社区"}
    assert body["subdistrict"]["code"] == "429901001"
    assert body["district"] == {"code": "429901", "name": "西城区"}


def test_locate_outside_city_is_404_outside_city(demo_client):
    response = demo_client.get("/api/v1/zones/locate?lat=39.9&lon=116.4")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "outside_city"


def test_bad_query_is_json_4xx_not_500(demo_client):
    for query in ("lat=abc&lon=1", "lat=95&lon=113", "", "lat=30.6&lon=113&coord_sys=xyz"):
        response = demo_client.get(f"/api/v1/zones/locate?{query}")
        assert response.status_code == 422, query
        error = response.get_json()["error"]
        assert error["code"] == "invalid_input" and error["message"]


def test_unknown_route_and_method_use_the_envelope(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/zones/locate")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_login_gives_token_role_and_unit(demo_client):
    response = demo_client.post(
        "/api/v1/auth/token", json={"username": "unitstaff", "password": "Demo@2026"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["role"] == "unit_staff" and body["unit_code"] == "zfj"
    assert body["token"] and body["expires_at"].endswith("+08:00")


def test_wrong_password_is_401(demo_client):
    response = demo_client.post("/api/v1/auth/token", json={"username": "admin", "password": "x"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_demo_city_has_the_promised_size(demo_client):
    headers = auth(demo_client, "admin")
    grids = demo_client.get("/api/v1/zones?level=grid&limit=200", headers=headers).get_json()
    assert len(grids["items"]) == 200 and grids["next_cursor"] is None
    for level, count in (("district", 2), ("subdistrict", 4), ("community", 8)):
        items = demo_client.get(f"/api/v1/zones?level={level}", headers=headers).get_json()["items"]
        assert len(items) == count
    assert all(len(g["code"]) == 15 and g["code"].isdigit() for g in grids["items"])
    categories = demo_client.get("/api/v1/categories").get_json()["items"]
    assert len(categories) >= 20
    points = demo_client.get("/api/v1/points", headers=headers).get_json()["items"]
    assert len(points) >= 10


def test_admin_endpoints_need_admin(demo_client):
    body = {"code": "x1", "name": "测试单位", "kind": "department"}
    assert demo_client.post("/api/v1/units", json=body).status_code == 401
    headers = auth(demo_client, "dispatcher")
    assert demo_client.post("/api/v1/units", json=body, headers=headers).status_code == 403
    headers = auth(demo_client, "admin")
    assert demo_client.post("/api/v1/units", json=body, headers=headers).status_code == 201
