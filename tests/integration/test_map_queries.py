"""What the map pages ask the API: zones and open cases inside a bounding box, one grid's outline
with the public lookup, the list of recent bulletins, and the tile source with its CSP.

Demo geometry (inspector/setup/demo_data.py): grids are 0.00104° of longitude by 0.0009° of
latitude from 113.1300 E, 30.6400 N. In 鼓楼社区 (429901001001, the south-west corner of the
city) grid n sits at column (n-1) % 5, row (n-1) // 5: grid 007 spans 113.13104-113.13208 E,
30.6409-30.6418 N.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inspector import create_app
from inspector.extensions import db
from inspector.supervision.bulletins import listing
from inspector.supervision.models import Bulletin

from ..factories import account_id, make_case
from ..helpers import auth

COMMUNITY = "429901001001"
# Inside grids 001, 002, 006 and 007 only (columns 0-1, rows 0-1), touching no other grid.
FOUR = "113.1305,30.6405,113.1318,30.6416"
INSIDE_007 = "113.1315,30.6412,113.1316,30.6414"


def _codes(features) -> list[str]:
    return sorted(f["properties"]["code"] for f in features)


def test_zones_in_a_bounding_box(demo_client):
    headers = auth(demo_client, "dispatcher")
    body = demo_client.get(f"/api/v1/zones/export?level=grid&bbox={FOUR}", headers=headers).json
    assert _codes(body["features"]) == [f"{COMMUNITY}{n:03d}" for n in (1, 2, 6, 7)]
    one = demo_client.get(f"/api/v1/zones/export?level=grid&bbox={INSIDE_007}", headers=headers)
    assert _codes(one.json["features"]) == [f"{COMMUNITY}007"]
    # without bbox: the whole city, as before (200 grids)
    assert (
        len(demo_client.get("/api/v1/zones/export?level=grid", headers=headers).json["features"])
        == 200
    )

    listed = demo_client.get(f"/api/v1/zones?level=grid&bbox={INSIDE_007}", headers=headers).json
    [zone] = listed["items"]
    assert zone["code"] == f"{COMMUNITY}007"
    assert zone["bbox"] == pytest.approx([113.13104, 30.6409, 113.13208, 30.6418], abs=1e-9)


@pytest.mark.parametrize(
    "bbox",
    [
        "1,2,3",
        "a,b,c,d",
        "114,30,113,31",
        "113,31,114,30",
        "nan,30,114,31",
        "113,30,200,31",
        "",
        "1" * 300,
    ],
)
def test_a_bad_bounding_box_is_a_422(demo_client, bbox):
    headers = auth(demo_client, "dispatcher")
    for path in ("/api/v1/zones/export", "/api/v1/zones", "/api/v1/cases"):
        answer = demo_client.get(f"{path}?bbox={bbox}", headers=headers)
        assert answer.status_code == 422, (path, bbox)
        assert answer.json["error"]["code"]


def test_open_cases_in_a_bounding_box(demo_app, demo_client):
    with demo_app.app_context():
        here = make_case(status="dispatched", grid_code=f"{COMMUNITY}007").number
        done = make_case(status="closed", grid_code=f"{COMMUNITY}007").number
        away = make_case(status="new", grid_code=f"{COMMUNITY}013").number  # column 2, row 2
        db.session.commit()
    headers = auth(demo_client, "dispatcher")

    def numbers(query: str) -> list[str]:
        answer = demo_client.get(f"/api/v1/cases?{query}", headers=headers)
        assert answer.status_code == 200, answer.json
        return sorted(c["number"] for c in answer.json["items"])

    assert numbers(f"open=true&bbox={FOUR}") == [here]
    assert numbers(f"open=false&bbox={FOUR}") == [done]
    assert numbers(f"bbox={FOUR}") == sorted([here, done])
    assert numbers("open=true") == sorted([here, away])
    # The same box as an AMap page sees it: GCJ-02 lies about 0.0023° south and 0.0061° east
    # of WGS-84 here (30.6445 N 113.1352 E -> 30.64220 N 113.14127 E, as coords.py prints).
    gcj = "113.1366,30.6382,113.1379,30.6393"
    assert numbers(f"open=true&coord_sys=gcj02&bbox={gcj}") == [here]


def test_locate_gives_the_grid_outline_when_asked(demo_client):
    lat, lon = 30.64135, 113.13156  # the middle of grid 007
    plain = demo_client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}").json
    assert plain["grid"] == {"code": f"{COMMUNITY}007", "name": "鼓楼社区07号网格"}
    body = demo_client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}&geometry=true").json
    ring = body["grid"]["geometry"]["coordinates"][0]
    assert body["grid"]["geometry"]["type"] == "Polygon"
    lons = sorted({round(x, 6) for x, _ in ring})
    lats = sorted({round(y, 6) for _, y in ring})
    assert lons == [113.13104, 113.13208] and lats == [30.6409, 30.6418]


def test_recent_bulletins_listed_newest_first(demo_app, demo_client):
    # Wednesday 2026-11-25 10:00 in Beijing: W48 runs, W47 and W46 are over.
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    with demo_app.app_context():
        db.session.add(
            Bulletin(
                kind="weekly",
                period="2026-W47",
                data={},
                html="<p></p>",
                pdf=b"%PDF-",
                pdf_sha256="ab" * 32,
                published_at=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
                published_by_id=account_id("supervisor"),
                published_by_role="supervisor",
            )
        )
        db.session.commit()
        weeks = listing("weekly", 3, now=now)["items"]
        months = listing("monthly", 2, now=datetime(2026, 1, 10, tzinfo=UTC))["items"]
    assert [(w["period"], w["from"], w["to"], w["ended"]) for w in weeks] == [
        ("2026-W48", "2026-11-23", "2026-11-29", False),
        ("2026-W47", "2026-11-16", "2026-11-22", True),
        ("2026-W46", "2026-11-09", "2026-11-15", True),
    ]
    assert [w["published"] and w["published"]["sha256"] for w in weeks] == [None, "ab" * 32, None]
    assert weeks[1]["published"]["at"] == "2026-11-23T09:00:00+08:00"
    assert [(m["period"], m["from"], m["to"]) for m in months] == [
        ("2026-01", "2026-01-01", "2026-01-31"),
        ("2025-12", "2025-12-01", "2025-12-31"),
    ]
    answer = demo_client.get("/api/v1/bulletins?count=2", headers=auth(demo_client, "unitstaff"))
    assert answer.status_code == 200 and len(answer.json["items"]) == 2
    bad = demo_client.get("/api/v1/bulletins?count=0", headers=auth(demo_client, "supervisor"))
    assert bad.status_code == 422


def _csp(client) -> dict[str, str]:
    header = client.get("/console/map").headers["Content-Security-Policy"]
    return dict(part.split(" ", 1) for part in header.split("; "))


def test_tile_source_sets_the_map_settings_and_the_csp(app_factory):
    plain = app_factory().test_client()
    assert _csp(plain)["img-src"] == "'self' blob: data:"
    assert "&#34;tiles&#34;: &#34;none&#34;" in plain.get("/m/").text

    amap = app_factory(MAP_TILES="amap").test_client()
    assert _csp(amap)["img-src"] == "'self' blob: data: https://*.is.autonavi.com"
    assert _csp(amap)["style-src"] == "'self'"  # Leaflet needs no inline styles
    assert "&#34;coord_sys&#34;: &#34;gcj02&#34;" in amap.get("/console/map").text

    tdt = app_factory(MAP_TILES="tianditu", TIANDITU_KEY="k123").test_client()
    assert _csp(tdt)["img-src"].endswith(" https://*.tianditu.gov.cn")
    page = tdt.get("/m/").text
    assert (
        "&#34;key&#34;: &#34;k123&#34;" in page and "&#34;coord_sys&#34;: &#34;wgs84&#34;" in page
    )


@pytest.mark.parametrize(("tiles", "key"), [("bogus", None), ("tianditu", None), ("tianditu", "")])
def test_a_bad_tile_setting_fails_at_start(tmp_path, tiles, key):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "s", "AUDIT_KEY": "a"}
    with pytest.raises(ValueError, match="INSPECTOR_MAP_TILES"):
        create_app({**config, "MAP_TILES": tiles, "TIANDITU_KEY": key})
