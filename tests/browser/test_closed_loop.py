"""The closed loop in real browsers: a resident reports on /m/, the grid worker verifies on his
phone, the dispatcher files and dispatches in the console, the unit rectifies with a photo, the
grid worker checks on site, and the resident rates the result in 我的上报."""

from __future__ import annotations

import re

from sqlalchemy import select

from inspector.extensions import db
from inspector.reports.models import Report
from inspector.setup.demo import grid_center
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.timeutil import utcnow
from inspector.workflow.models import Case

from ..images import jpeg
from .conftest import DESKTOP, PHONE, shoot

GRID = "429901001001007"  # 鼓楼社区: the demo grid worker's; 占道经营 there goes to zfj


def _photo(tmp_path, name: str, lat: float, lon: float) -> str:
    path = tmp_path / name
    path.write_bytes(jpeg(lat, lon, taken_at=utcnow(), size=(800, 600)))
    return str(path)


def _sign_in(page, base: str, path: str, username: str) -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def _case(app) -> dict:
    with app.app_context():
        case = db.session.scalar(select(Case))
        return {"status": case.status, "unit": case.unit.code if case.unit else None}


def _submitted(page) -> str:
    number = page.locator("#case-number")
    number.wait_for()
    return number.inner_text()


def test_a_report_walks_to_closed_and_is_rated(demo_app, server, new_context, tmp_path):
    lat, lon = grid_center(GRID)
    here = (lat + 0.0002, lon)  # everyone stands about 22 m north of the grid centre

    # 1. the resident, on his phone
    resident = new_context(at=here).new_page()
    resident.goto(f"{server}/m/")
    resident.get_by_text(re.compile("精度约")).wait_for()
    resident.get_by_label("照片").set_input_files(_photo(tmp_path, "stall.jpg", *here))
    resident.get_by_role("button", name="占道经营").click()
    resident.get_by_label("问题描述").fill("菜市场门口占道卖菜")
    resident.get_by_role("button", name="提交").click()
    number = _submitted(resident)
    assert _case(demo_app)["status"] == "verifying"

    # 2. the grid worker verifies on site from his task list
    worker = new_context(at=here).new_page()
    _sign_in(worker, server, "/m/tasks", "gridworker")
    task = worker.locator("li", has_text=number)
    task.get_by_text("待核实").wait_for()
    shoot(worker, "m-tasks-360")
    task.get_by_label("现场照片").set_input_files(_photo(tmp_path, "verify.jpg", *here))
    task.get_by_role("button", name="现场核实").click()
    worker.get_by_text("现场核实 ✓").wait_for()
    assert _case(demo_app)["status"] == "new"

    # 3. the dispatcher, at his desk: the queue lists it; he files and dispatches it
    desk = new_context(size=DESKTOP).new_page()
    _sign_in(desk, server, "/console/", "dispatcher")
    desk.get_by_role("link", name=number).click()
    desk.get_by_role("button", name="立案", exact=True).click()
    desk.get_by_role("button", name="派遣").wait_for()
    desk.get_by_role("button", name="派遣").click()
    desk.get_by_text("派遣 ✓").wait_for()
    shoot(desk, "console-case-dispatched-1366")
    assert _case(demo_app) == {"status": "dispatched", "unit": "zfj"}

    # 4. the unit's staff sees it in his queue and rectifies with an on-site photo
    unit = new_context(size=DESKTOP, at=here).new_page()
    _sign_in(unit, server, "/console/", "unitstaff")
    unit.get_by_role("link", name=number).wait_for()
    shoot(unit, "console-queue-unit-1366")
    unit.get_by_role("link", name=number).click()
    form = unit.locator("form[data-action=rectify]")
    form.get_by_label("现场照片").set_input_files(_photo(tmp_path, "after.jpg", *here))
    form.get_by_label("说明").fill("已劝离摊贩并清扫")
    form.get_by_role("button", name="整改完成").click()
    unit.get_by_text("整改完成 ✓").wait_for()
    assert _case(demo_app)["status"] == "rectified"

    # 5. the grid worker checks on site: passed, the case closes
    worker.reload()
    task = worker.locator("li", has_text=number)
    task.get_by_text("待核查").wait_for()
    task.get_by_label("现场照片").set_input_files(_photo(tmp_path, "check.jpg", *here))
    task.get_by_role("button", name="现场核查").click()
    worker.get_by_text("现场核查 ✓").wait_for()
    assert _case(demo_app)["status"] == "closed"

    # 6. the resident sees it closed with the after-photo, and rates it
    resident.goto(f"{server}/m/mine")
    resident.get_by_text("已办结").wait_for()
    resident.get_by_role("img", name="整改后 1").wait_for()
    resident.get_by_role("button", name="4 星").click()
    resident.get_by_role("button", name="评价").click()
    resident.get_by_text("评价: ★★★★").wait_for()
    shoot(resident, "m-mine-rated-360")
    with demo_app.app_context():
        report = db.session.scalar(select(Report))
        assert report.rating == 4


def test_console_pages_at_both_sizes(demo_app, server, new_context, tmp_path):
    lat, lon = grid_center(GRID)
    resident = new_context(at=(lat, lon)).new_page()
    resident.goto(f"{server}/m/")
    resident.get_by_text(re.compile("精度约")).wait_for()
    resident.get_by_label("照片").set_input_files(_photo(tmp_path, "p.jpg", lat, lon))
    resident.get_by_label("问题类别").select_option("0301")
    resident.get_by_role("button", name="提交").click()
    number = _submitted(resident)
    for size, tag in ((DESKTOP, "1366"), (PHONE, "360")):
        page = new_context(size=size).new_page()
        _sign_in(page, server, "/console/", "dispatcher")
        page.get_by_role("link", name=number).wait_for()
        shoot(page, f"console-queue-dispatcher-{tag}")
        page.get_by_role("link", name=number).click()
        page.get_by_role("button", name="立案").wait_for()
        shoot(page, f"console-case-{tag}")
        page.goto(f"{server}/console/map")
        page.locator("#citymap path.pt").first.wait_for()
        shoot(page, f"console-map-{tag}")
