"""The main pages under axe-core (labels, names, contrast) at phone and desktop sizes, with a
screenshot of each at both sizes in tests/browser/screenshots/ for a person to look at."""

from __future__ import annotations

import re

from inspector.setup.demo import grid_center
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.timeutil import utcnow

from ..images import jpeg
from .a11y import violations
from .conftest import DESKTOP, PHONE, once, shoot

GRID = "429901001001007"
SIZES = ((PHONE, "360"), (DESKTOP, "1366"))


def _sign_in(page, username: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_main_pages_have_names_labels_and_contrast(demo_app, server, new_context, tmp_path):
    once(demo_app)
    lat, lon = grid_center(GRID)
    found: dict[str, list[str]] = {}

    def check(page, name: str) -> None:  # noqa: ANN001
        found[name] = violations(page)
        shoot(page, f"a11y-{name}")

    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg(lat, lon, taken_at=utcnow(), size=(640, 480)))
    for size, tag in SIZES:
        # the resident: the form, the answer, 我的上报
        phone = new_context(size=size, at=(lat, lon)).new_page()
        phone.goto(f"{server}/m/")
        phone.get_by_text(re.compile("精度约")).wait_for()
        phone.get_by_label("问题类别").locator("option").nth(1).wait_for(state="attached")
        phone.locator("#pos-map path").first.wait_for()  # the grid outline is drawn
        check(phone, f"m-report-{tag}")
        phone.get_by_label("照片").set_input_files(str(photo))
        phone.get_by_label("问题类别").select_option("0301")
        phone.get_by_role("button", name="提交").click()
        phone.locator("#case-number").wait_for()
        number = phone.locator("#case-number").inner_text()
        check(phone, f"m-report-sent-{tag}")
        phone.get_by_role("link", name="查看进度").click()
        phone.get_by_text(number).wait_for()
        check(phone, f"m-mine-{tag}")

        # the grid worker's tasks
        worker = new_context(size=size, at=(lat, lon)).new_page()
        worker.goto(f"{server}/m/tasks")
        _sign_in(worker, "gridworker")
        worker.get_by_text("待核实").first.wait_for()
        check(worker, f"m-tasks-{tag}")

        # the console: sign-in form, queue, case page, map, 考核, 通报台账
        desk = new_context(size=size).new_page()
        desk.goto(f"{server}/console/")
        desk.get_by_label("用户名").wait_for()
        check(desk, f"console-login-{tag}")
        _sign_in(desk, "dispatcher")
        desk.get_by_role("link", name=number).wait_for()
        check(desk, f"console-queue-{tag}")
        desk.get_by_role("link", name=number).click()
        desk.get_by_role("button", name="立案").first.wait_for()
        desk.locator(".casemap path.pt").wait_for()
        check(desk, f"console-case-{tag}")
        desk.goto(f"{server}/console/map")
        desk.locator("#citymap path.pt").first.wait_for()
        check(desk, f"console-map-{tag}")
        desk.goto(f"{server}/console/stats")
        desk.locator("#units tbody tr").first.wait_for()
        check(desk, f"console-stats-{tag}")
        desk.goto(f"{server}/console/bulletins")
        desk.locator("#bulletins tbody tr").first.wait_for()
        check(desk, f"console-bulletins-{tag}")

    assert {name: v for name, v in found.items() if v} == {}
    # and the check does see: a field without a label, light grey on white, fail as they should
    desk.evaluate(
        "document.body.append(Object.assign(document.createElement('input'), {id: 'bare'}),"
        " Object.assign(document.createElement('p'), {id: 'faint', textContent: '看不清'}))"
    )
    desk.locator("#faint").evaluate(
        "(p) => { p.style.color = '#bbb'; p.style.background = '#fff'; }"
    )
    seen = "\n".join(violations(desk))
    assert "label: ['#bare']" in seen and "color-contrast: ['#faint']" in seen
