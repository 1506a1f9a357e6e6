"""Evaluation points for the campaign: GeoJSON import, photo history, board, camera view."""

from __future__ import annotations

from datetime import timedelta

from inspector.extensions import db
from inspector.timeutil import utcnow

from ..factories import make_case
from ..helpers import auth
from .flows import GRID, OTHER_GRID, act, act_on_site, post_report, spot

HALF = 0.0005  # ~50 m: a small square around the grid's centre, smaller than any demo point


def _square(lat: float, lon: float) -> dict:
    ring = [
        [lon - HALF, lat - HALF],
        [lon + HALF, lat - HALF],
        [lon + HALF, lat + HALF],
        [lon - HALF, lat + HALF],
        [lon - HALF, lat - HALF],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _feature(code: str, kind: str = "night_market", camera: bool = False, grid: str = GRID):
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name": f"测试点位{code}",
            "kind": kind,
            "unit_code": "zfj",
            "camera": camera,
        },
        "geometry": _square(*spot(grid)),
    }


def _import(client, *features):
    return client.post(
        "/api/v1/points/import",
        json={"type": "FeatureCollection", "features": list(features)},
        headers=auth(client, "admin"),
    )


def test_import_creates_updates_and_refuses_a_bad_file_whole(demo_client):
    c = demo_client
    first = _import(c, _feature("cp1"), _feature("cp2", camera=True))
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"created": 2, "updated": 0}
    again = _import(c, _feature("cp1", kind="park"), _feature("cp3"))
    assert again.get_json() == {"created": 1, "updated": 1}

    bad = _import(c, _feature("cp4"), _feature("cp5", kind="spaceport"))
    assert bad.status_code == 422
    errors = bad.get_json()["error"]["errors"]
    assert [e["feature"] for e in errors] == [2]
    listed = c.get("/api/v1/points?limit=200", headers=auth(c, "dispatcher")).get_json()
    codes = {p["code"]: p for p in listed["items"]}
    assert "cp4" not in codes  # all or nothing
    assert codes["cp1"]["kind"] == "park" and codes["cp2"]["camera"] is True


def test_history_lists_every_photo_of_the_point_dated_with_its_case(demo_client):
    c = demo_client
    assert _import(c, _feature("hp1")).status_code == 200
    inside = post_report(c, "gridworker", category="0101").get_json()  # filed at once
    case_id = inside["case"]["id"]
    post_report(c, "gridworker", grid=OTHER_GRID, category="0101")  # elsewhere: not listed
    dispatched = act(c, "dispatcher", case_id, "dispatch").get_json()
    assert dispatched["unit_code"] == "zfj", dispatched  # the point's owner
    assert act_on_site(c, "unitstaff", case_id, "rectify", note="已清理").status_code == 200
    assert act_on_site(c, "gridworker", case_id, "check", passed=True).status_code == 200

    got = c.get("/api/v1/points/hp1/history", headers=auth(c, "supervisor"))
    assert got.status_code == 200, got.get_json()
    items = got.get_json()["items"]
    assert [i["step"] for i in items] == ["report", "rectify", "check"]
    assert [i["clean"] for i in items] == [False, True, True]
    assert {i["case"]["id"] for i in items} == {case_id}
    assert all(i["photo"]["url"] and i["at"] for i in items)

    tomorrow = (utcnow() + timedelta(days=1)).isoformat()
    yesterday = (utcnow() - timedelta(days=1)).isoformat()
    later = c.get(
        "/api/v1/points/hp1/history", query_string={"from": tomorrow}, headers=auth(c, "admin")
    )
    assert later.get_json()["items"] == []
    window = {"from": yesterday, "to": tomorrow}
    within = c.get("/api/v1/points/hp1/history", query_string=window, headers=auth(c, "admin"))
    assert len(within.get_json()["items"]) == 3
    wrong = c.get(
        "/api/v1/points/hp1/history", query_string={"from": "soon"}, headers=auth(c, "admin")
    )
    assert wrong.status_code == 422
    assert c.get("/api/v1/points/nope/history", headers=auth(c, "admin")).status_code == 404
    assert c.get("/api/v1/points/hp1/history", headers=auth(c, "resident")).status_code == 403


def test_board_counts_open_overdue_and_days_since_the_last_problem(demo_client, demo_app):
    c = demo_client
    assert _import(c, _feature("bp1"), _feature("bp2", grid=OTHER_GRID)).status_code == 200
    lat, lon = spot(GRID)
    now = utcnow()
    with demo_app.app_context():
        make_case(status="closed", lat=lat, lon=lon, created_at=now - timedelta(days=10))
        make_case(
            status="dispatched",
            lat=lat,
            lon=lon,
            unit_code="zfj",
            created_at=now - timedelta(days=3),
            due_at=now - timedelta(hours=1),
        )
        make_case(status="filed", lat=lat, lon=lon, created_at=now - timedelta(days=5))
        # a rejected tip is no problem of the place, however recent
        make_case(status="rejected", lat=lat, lon=lon, created_at=now - timedelta(days=1))
        db.session.commit()

    got = c.get("/api/v1/points/board", headers=auth(c, "dispatcher"))
    assert got.status_code == 200, got.get_json()
    rows = {r["code"]: r for r in got.get_json()["items"]}
    assert rows["bp1"]["open_problems"] == 2  # dispatched + filed
    assert rows["bp1"]["overdue_cases"] == 1
    assert rows["bp1"]["days_since_last_problem"] == 3
    assert rows["bp1"]["last_clean_photo"] is None
    assert rows["bp2"]["open_problems"] == 0
    assert rows["bp2"]["days_since_last_problem"] is None


def test_board_shows_the_last_clean_photo(demo_client):
    c = demo_client
    assert _import(c, _feature("bp3")).status_code == 200
    case_id = post_report(c, "gridworker", category="0101").get_json()["case"]["id"]
    act(c, "dispatcher", case_id, "dispatch")
    rectified = act_on_site(c, "unitstaff", case_id, "rectify", note="已清理").get_json()
    rectify_photo = rectified["timeline"][-1]["photos"][0]["id"]
    rows = {
        r["code"]: r for r in c.get("/api/v1/points/board", headers=auth(c, "admin")).json["items"]
    }
    assert rows["bp3"]["last_clean_photo"]["photo"]["id"] == rectify_photo
    assert rows["bp3"]["last_clean_photo"]["step"] == "rectify"
    assert rows["bp3"]["open_problems"] == 1 and rows["bp3"]["days_since_last_problem"] == 0


def test_camera_view_covers_thirty_days_and_exports_html(demo_client, demo_app):
    c = demo_client
    assert _import(c, _feature("cam1", camera=True), _feature("nocam")).status_code == 200
    lat, lon = spot(GRID)
    now = utcnow()
    with demo_app.app_context():
        old = make_case(status="closed", lat=lat, lon=lon, created_at=now - timedelta(days=31))
        recent = make_case(
            status="filed",
            lat=lat,
            lon=lon,
            created_at=now - timedelta(days=29),
            description="<script>alert(1)</script>夜市油污",
        )
        old_number, recent_number = old.number, recent.number
        db.session.commit()

    got = c.get("/api/v1/points/cam1/camera", headers=auth(c, "supervisor"))
    assert got.status_code == 200, got.get_json()
    numbers = [p["number"] for p in got.get_json()["problems"]]
    assert numbers == [recent_number]
    sheet = c.get("/api/v1/points/cam1/camera?format=html", headers=auth(c, "supervisor"))
    assert sheet.status_code == 200 and sheet.mimetype == "text/html"
    html = sheet.get_data(as_text=True)
    assert recent_number in html and old_number not in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    not_camera = c.get("/api/v1/points/nocam/camera", headers=auth(c, "supervisor"))
    assert not_camera.status_code == 422
