"""A resident reports through /m/ in a real browser; the offline queue re-sends until it lands."""

from __future__ import annotations

import contextlib
import io
import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import func, select

from inspector.extensions import db
from inspector.reports.models import Report
from inspector.setup.demo import grid_center
from inspector.timeutil import utcnow

from ..images import jpeg
from .conftest import DESKTOP, shoot

GRID = "429901001001007"  # 鼓楼社区, the demo grid worker's


def _photo(tmp_path, lat: float, lon: float, name: str = "litter.jpg"):
    path = tmp_path / name
    path.write_bytes(jpeg(lat, lon, taken_at=utcnow(), size=(640, 480)))
    return path


def _fill(page, photo) -> None:
    page.get_by_label("照片").set_input_files(str(photo))
    page.get_by_label("问题类别").select_option("0101")
    page.get_by_label("问题描述").fill("人行道上有人摆摊卖水果")
    page.get_by_label("联系电话").fill("13800138000")


def test_resident_reports_with_a_photo_and_sees_the_case_number(
    demo_app, server, new_context, tmp_path
):
    lat, lon = grid_center(GRID)
    page = new_context(at=(lat, lon)).new_page()
    page.goto(f"{server}/m/")
    page.get_by_text(re.compile("精度约 12 米")).wait_for()
    shoot(page, "m-report-360")
    _fill(page, _photo(tmp_path, lat, lon))
    page.get_by_role("button", name="提交").click()
    number = page.locator("#case-number")
    number.wait_for()
    shown = number.inner_text()
    assert re.fullmatch(r"\d{8,}", shown), shown
    shoot(page, "m-report-sent-360")

    with demo_app.app_context():
        report = db.session.scalar(select(Report))
        assert report.case.number == shown
        assert report.phone == "13800138000"
        assert report.description == "人行道上有人摆摊卖水果"
        assert report.category.code == "0101"
        assert report.source == "tip" and report.reporter_id is None
        assert abs(report.lat - lat) < 1e-6 and abs(report.lon - lon) < 1e-6
        assert report.accuracy_m == 12
        assert len(report.photos) == 1 and report.photos[0].gps_lat is not None

    # "查看进度" leads to 我的上报, which follows the report by the token kept in the browser.
    page.get_by_role("link", name="查看进度").click()
    page.get_by_text(shown).wait_for()
    page.get_by_text("待网格员现场核实").first.wait_for()
    shoot(page, "m-mine-360")


def test_offline_report_waits_and_lands_exactly_once(demo_app, server, new_context, tmp_path):
    lat, lon = grid_center(GRID)
    page = new_context(at=(lat, lon)).new_page()
    page.goto(f"{server}/m/")
    page.get_by_text(re.compile("精度约")).wait_for()
    attempts: list[str] = []

    def lose_the_answer(route):
        # The server gets the report, the phone never hears back: the dangerous case.
        attempts.append(
            route.request.post_data_buffer.split(b"client_id")[1][:80].decode("latin-1")
        )
        route.fetch()
        route.abort("internetdisconnected")

    page.route("**/api/v1/reports", lose_the_answer)
    _fill(page, _photo(tmp_path, lat, lon))
    page.get_by_role("button", name="提交").click()
    page.get_by_text(re.compile("网络不通,已保存在手机上")).wait_for()
    shoot(page, "m-offline-360")
    page.unroute("**/api/v1/reports")
    page.route("**/api/v1/reports", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="立即重试").click()
    page.get_by_text(re.compile("等待发送 1")).wait_for()
    page.unroute("**/api/v1/reports")
    # The page's own retry (every 10 s) may send it first and hide the button: either way it
    # must land once.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.get_by_role("button", name="立即重试").click(timeout=5000)
    number = page.locator("#case-number")
    number.wait_for()

    with demo_app.app_context():
        reports = db.session.scalars(select(Report)).all()
        assert len(reports) == 1  # sent three times, stored once
        assert reports[0].case.number == number.inner_text()
        client_id = reports[0].client_id
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert len(attempts) == 1 and client_id in attempts[0]
    assert page.locator("#outbox").is_hidden()


def test_report_page_at_desktop_size(server, new_context):
    page = new_context(size=DESKTOP).new_page()
    page.goto(f"{server}/m/")
    page.get_by_label("问题类别").locator("option").nth(1).wait_for(state="attached")
    shoot(page, "m-report-1366")


def test_a_large_photo_is_made_smaller_on_the_phone_and_keeps_its_exif(
    demo_app, server, new_context, tmp_path
):
    """A 3200x2400 photo stored sideways (EXIF orientation 6) with GPS and time: the page sends
    a 1600x1200 upright JPEG that still says where and when it was taken."""
    from datetime import timedelta

    from PIL import Image

    from inspector.photos.service import read_original
    from inspector.timeutil import CHINA, as_utc

    from ..photo_samples import exif_bytes, stored_for, upright_scene

    lat, lon = grid_center(GRID)
    taken = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    scene = Image.blend(
        upright_scene(3200, 2400), Image.effect_noise((3200, 2400), 90).convert("RGB"), 0.3
    )
    path = tmp_path / "big.jpg"
    stored_for(6, scene).save(
        path,
        "JPEG",
        quality=95,
        exif=exif_bytes(
            6, lat=lat, lon=lon, taken=taken.astimezone(CHINA).strftime("%Y:%m:%d %H:%M:%S")
        ),
    )
    original_size = path.stat().st_size
    assert original_size > 1.5 * 1024 * 1024  # over the page's resize threshold

    page = new_context(at=(lat, lon)).new_page()
    page.goto(f"{server}/m/")
    page.get_by_text(re.compile("精度约")).wait_for()
    page.get_by_label("照片").set_input_files(str(path))
    page.locator(".thumb img").wait_for()
    page.get_by_role("button", name="提交").click()
    page.locator("#case-number").wait_for()

    with demo_app.app_context():
        photo = db.session.scalar(select(Report)).photos[0]
        assert (photo.width, photo.height) == (1600, 1200)  # long edge 1600, turned upright
        assert photo.orientation == 1
        assert photo.size_bytes < original_size / 3
        assert abs(photo.gps_lat - lat) < 1e-5 and abs(photo.gps_lon - lon) < 1e-5
        assert as_utc(photo.taken_at) == taken
        stored = Image.open(io.BytesIO(read_original(photo))).convert("RGB")
    red, _g, blue = stored.getpixel((200, 150))  # upright scene: red top-left quadrant
    assert red > 150 and blue < 120
    red, _g, blue = stored.getpixel((800, 1150))  # and a blue band along the bottom
    assert blue > 150 and red < 120
