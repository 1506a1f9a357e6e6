"""考核 and 通报台账 in the console: a unit table with ranks over a chosen period, the week's
红黑榜 and 流动黄旗, publishing last week's bulletin, and downloading bulletins and the ledger.

The week is 2026-W47 of tests/integration/supervision_cases.py (figures worked out by hand in
test_supervision_stats.py: 住建局 scores 49 and ranks 3rd; 环卫处 has too few due cases)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from inspector.extensions import db
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.timeutil import CHINA, utcnow

from ..integration.supervision_cases import build_week
from ..live import live_server
from .conftest import DESKTOP, PHONE, once, shoot


@pytest.fixture
def week_server(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2, SUPERVISION_LIST_SIZE=1)
    once(app)  # the figures themselves are checked on both databases by the integration tests
    with app.app_context():
        build_week()
        db.session.commit()
    with live_server(app) as url:
        yield url


def _sign_in(page, base: str, path: str, username: str) -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_unit_indicators_with_ranks_and_the_red_and_black_lists(week_server, new_context):
    page = new_context(size=DESKTOP).new_page()
    _sign_in(page, week_server, "/console/stats", "supervisor")
    page.get_by_label("开始日期").fill("2026-11-16")
    page.get_by_label("结束日期").fill("2026-11-22")
    page.get_by_role("button", name="查询").click()
    zjj = page.locator("tr[data-unit=zjj]")
    zjj.wait_for()
    cells = zjj.locator("td, th").all_inner_texts()
    # rank, unit, dispatched, due, closed, on time, closing, on-time, rework, overdue, escalated, score
    assert cells[0] == "3" and cells[1] == "住建局"
    assert cells[3:9] == ["2", "1", "1", "50.0%", "50.0%", "50.0%"]
    assert cells[10] == "1" and cells[11] == "49.0"
    assert page.locator("tr[data-unit=hwc] td").first.inner_text() == "不排名"
    assert page.locator("tbody tr").first.get_attribute("data-unit") in ("jjdd", "zfj")  # rank 1
    rankings = page.locator("#rankings")
    rankings.locator(".hint", has_text="2026-W47").wait_for()
    assert rankings.locator(".red li").all_inner_texts() == ["交警大队 · 综合指标值 75.0"]
    assert rankings.locator(".black li").all_inner_texts() == ["住建局 · 综合指标值 49.0"]
    assert "住建局(自 2026-W47)" in rankings.locator(".flag").inner_text()
    shoot(page, "console-stats-1366")

    # Unit staff read their own unit's row only; the page is the same.
    unit = new_context(size=PHONE).new_page()
    _sign_in(unit, week_server, "/console/stats", "unitstaff")
    unit.locator("tbody tr").first.wait_for()
    assert unit.locator("tbody tr").count() == 1
    shoot(unit, "console-stats-360")


def test_bulletins_publish_download_and_ledger(week_server, new_context):
    last_week = (utcnow().astimezone(CHINA).date() - timedelta(days=7)).isocalendar()
    label = f"{last_week.year}-W{last_week.week:02d}"
    page = new_context(size=DESKTOP).new_page()
    _sign_in(page, week_server, "/console/bulletins", "supervisor")
    row = page.locator(f"tr[data-week='{label}']")
    row.get_by_text("未发布").wait_for()
    assert page.locator("tbody tr").first.get_by_text("本周未结束").count() == 1
    assert page.locator("tbody tr").first.get_by_role("button", name="发布").count() == 0
    row.get_by_role("button", name=f"发布 {label}").click()
    row.get_by_text("已发布").wait_for(timeout=60000)  # the PDF is drawn when it is published
    with page.expect_download() as pdf:
        row.get_by_role("button", name=f"{label} PDF").click()
    assert pdf.value.suggested_filename == f"bulletin-weekly-{label}.pdf"
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as csv:
        page.get_by_role("button", name="下载 CSV").click()
    text = Path(csv.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "案件编号" in text.splitlines()[0]
    assert len(text.splitlines()) > 5  # the week's cases, one line each
    with page.expect_download() as xlsx:
        page.get_by_role("button", name="下载 Excel").click()
    assert Path(xlsx.value.path()).read_bytes()[:2] == b"PK"
    shoot(page, "console-bulletins-1366")

    # Unit staff may read bulletins but not publish; grid workers see neither 考核 nor bulletins.
    unit = new_context(size=PHONE).new_page()
    _sign_in(unit, week_server, "/console/bulletins", "unitstaff")
    unit.locator(f"tr[data-week='{label}']").get_by_text("已发布").wait_for()
    assert unit.get_by_role("button", name="发布", exact=False).count() == 0
    assert unit.get_by_role("link", name="考核").is_visible()
    shoot(unit, "console-bulletins-360")
    worker = new_context(size=PHONE).new_page()
    _sign_in(worker, week_server, "/console/bulletins", "gridworker")
    worker.get_by_role("button", name="下载 CSV").wait_for()
    assert worker.get_by_role("link", name="考核").is_hidden()
    assert worker.locator("#bulletins-card").is_hidden()
