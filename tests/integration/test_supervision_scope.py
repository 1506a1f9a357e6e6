"""A zone-bound supervisor's bulletin is his district's: he reads and publishes 西城区's numbers,
never the city's under his name; unbound supervisors and admins keep the city's."""

from __future__ import annotations

import pytest

from inspector.access.passwords import hash_password
from inspector.access.service import create_account
from inspector.extensions import db

from ..helpers import auth
from .supervision_cases import Builder, build_week

EAST_GRID = "429902001001007"  # 新华社区, 东城区


@pytest.fixture
def scoped_app(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2, SUPERVISION_LIST_SIZE=1)
    with app.app_context():
        world = build_week()  # every case in 鼓楼社区, 西城区 429901
        digest = hash_password("Staff@2026")
        create_account(
            "sup_west",
            "Staff@2026",
            "supervisor",
            None,
            ["429901"],
            "西城督查",
            password_hash=digest,
        )
        create_account(
            "disp_east",
            "Staff@2026",
            "dispatcher",
            None,
            ["429902"],
            "东城座席",
            password_hash=digest,
        )
        db.session.commit()
        # one resident's tip in 东城区 on Wednesday (received, not yet verified)
        Builder(world).report("x1", "resident", EAST_GRID, "0101", "2026-11-18T08:00")
    return app


def _login(client, username):
    return auth(client, username, "Staff@2026")


def test_district_bulletins(scoped_app):
    c = scoped_app.test_client()
    city = c.get("/api/v1/bulletins/weekly?week=2026-W47", headers=auth(c, "supervisor"))
    body = city.get_json()
    # the city: the ten cases of the week in 西城区 and x1 in 东城区
    assert body["scope"] is None and body["scope_name"] == "全市"
    assert body["totals"]["received"] == 11

    west = c.get("/api/v1/bulletins/weekly?week=2026-W47", headers=_login(c, "sup_west"))
    west_body = west.get_json()
    assert west_body["scope"] == {"zone_codes": ["429901"], "zone_names": ["西城区"]}
    assert west_body["totals"]["received"] == 10 and west_body["totals"]["due"] == 7
    assert [d["district_code"] for d in west_body["by_district"]] == ["429901"]
    # the flag is the city's, the same in every bulletin
    assert west_body["yellow_flag"] == body["yellow_flag"]
    assert west_body["yellow_flag"]["unit_code"] == "zjj"

    east = c.get("/api/v1/bulletins/weekly?week=2026-W47", headers=_login(c, "disp_east"))
    east_body = east.get_json()
    assert east_body["totals"]["received"] == 1 and east_body["totals"]["due"] == 0
    assert all(u["due"] == 0 and u["rank"] is None for u in east_body["units"])
    assert east_body["red"] == [] and east_body["black"] == []
    html = c.get(
        "/api/v1/bulletins/weekly?week=2026-W47&format=html", headers=_login(c, "disp_east")
    )
    assert "东城区城市管理督查周通报" in html.get_data(as_text=True)


def test_district_publishes_its_own_bulletin_only(scoped_app):
    c = scoped_app.test_client()
    west = _login(c, "sup_west")
    published = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=west)
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["scope"]["zone_codes"] == ["429901"]
    # his own read is the frozen district bulletin...
    frozen = c.get("/api/v1/bulletins/weekly?week=2026-W47", headers=west).get_json()
    assert frozen["published"]["by"] == "西城督查" and frozen["totals"]["received"] == 10
    # ...the city's is still unpublished, and the city's supervisor can publish it
    city = c.get("/api/v1/bulletins/weekly?week=2026-W47", headers=auth(c, "supervisor"))
    assert city.get_json()["published"] is None and city.get_json()["totals"]["received"] == 11
    again = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=west)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_published"
    mine = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=auth(c, "supervisor"))
    assert mine.status_code == 201 and mine.get_json()["scope"] is None
    city = c.get("/api/v1/bulletins/weekly?week=2026-W47", headers=auth(c, "admin")).get_json()
    assert city["published"]["by_role"] == "supervisor" and city["totals"]["received"] == 11
    # a bound dispatcher may read but never publish
    east = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=_login(c, "disp_east"))
    assert east.status_code == 403
