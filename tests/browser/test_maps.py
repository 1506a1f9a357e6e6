"""Leaflet maps from our own files: the coordinate module against the Python one, and the
console map asking only for what is in view (bbox), coloured by the open cases of each grid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inspector.extensions import db
from inspector.setup.demo import grid_center
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.timeutil import utcnow

from ..factories import make_case
from .conftest import DESKTOP, once, shoot

# Numbers printed by inspector/grid/coords.py (wgs84_to_gcj02, gcj02_to_wgs84) for these points:
# the demo county, Tian'anmen, Shenzhen, and Paris (outside China: unchanged).
PYTHON = [
    ((30.6445, 113.1352), (30.642199665904815, 113.14127159825598), (30.646791564694283, 113.12912057496773)),
    ((39.9087, 116.3975), (39.91010349934476, 116.40374357265176), (39.90729875233756, 116.3912588656213)),
    ((22.5431, 114.0579), (22.54038281422246, 114.06301399856547), (22.54582649703975, 114.05279233430046)),
    ((48.8584, 2.2945), (48.8584, 2.2945), (48.8584, 2.2945)),
]  # fmt: skip


def test_coords_module_gives_the_python_numbers(demo_app, server, new_context):
    once(demo_app)
    page = new_context().new_page()
    page.goto(f"{server}/")
    got = page.evaluate(
        """async (points) => {
          const c = await import('/assets/coords.js');
          const amap = c.projector('gcj02');
          return points.map(([lat, lon]) => [
            c.wgs84ToGcj02(lat, lon), c.gcj02ToWgs84(lat, lon),
            amap.fromMap(...amap.toMap(lat, lon)), c.projector('wgs84').toMap(lat, lon)]);
        }""",
        [p[0] for p in PYTHON],
    )
    for (point, gcj, back), (js_gcj, js_back, round_trip, same) in zip(PYTHON, got, strict=True):
        assert js_gcj == pytest.approx(gcj, abs=1e-9)
        assert js_back == pytest.approx(back, abs=1e-9)
        assert round_trip == pytest.approx(point, abs=1e-9)  # shown on AMap, moved back: no drift
        assert same == list(point)  # Tianditu and OSM tiles are WGS-84: untouched


def test_console_map_asks_for_the_view_only_and_colours_grids_by_load(
    demo_app, server, new_context
):
    here = "429901001001007"  # 鼓楼社区 07, in the west district
    far = "429901002002013"  # the east district, about 1.5 km away
    with demo_app.app_context():
        ids = [make_case(status=s, grid_code=here).id for s in ("new", "dispatched", "filed")]
        late = make_case(
            status="dispatched", grid_code="429901001001008", due_at=utcnow() - timedelta(hours=3)
        ).id
        closed = make_case(status="closed", grid_code=here).id
        away = make_case(status="new", grid_code=far).id
        db.session.commit()
    lat, lon = grid_center(here)
    page = new_context(size=DESKTOP).new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/" in r.url else None)
    page.goto(f"{server}/console/map#lat={lat}&lon={lon}&z=18")
    page.get_by_label("用户名").fill("dispatcher")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#citymap path.pt").first.wait_for()
    page.locator("#map-list li").first.wait_for()

    listed = page.locator("#map-list a").all_inner_texts()
    with demo_app.app_context():
        from inspector.workflow.models import Case

        numbers = {i: db.session.get(Case, i).number for i in [*ids, late, closed, away]}
    assert sorted(listed) == sorted(numbers[i] for i in [*ids, late])  # open and in view only
    grids = page.locator("#citymap path.zone")
    assert 4 <= grids.count() <= 40, grids.count()  # a few grids around, not the city's 200
    assert page.locator("#citymap path.zone.load2").count() == 1  # 3 open cases in grid 07
    assert page.locator("#citymap path.zone.load1").count() == 1  # 1 (overdue) in grid 08
    assert page.locator("#citymap path.pt.late").count() == 1
    exports = [u for u in asked if "/zones/export" in u]
    listings = [u for u in asked if "/api/v1/cases?" in u]
    assert exports and all("bbox=" in u for u in exports)
    assert listings and all("bbox=" in u and "open=true" in u for u in listings)
    shoot(page, "console-map-zoomed-1366")
