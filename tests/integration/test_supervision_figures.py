"""Per-grid on-time 核实/核查, the units' 满意率 and 丢分, over the week of supervision_cases.py plus
what each test adds. Expected numbers are worked out by hand in the comments."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inspector.extensions import db
from inspector.findings.importer import BatchMeta, import_batch
from inspector.hotline.callbacks import record

from ..factories import make_case
from ..helpers import auth
from .supervision_cases import Builder, build_week, cn, grid

WEEK = {"from": "2026-11-16", "to": "2026-11-22"}


def _get(client, path, **params):
    response = client.get(path, query_string=params, headers=auth(client, "supervisor"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def test_grids_on_time_verify_and_check(app_factory):
    # Limits: 核实 within 15 minutes of the report, 核查 within 30 minutes of the rectification.
    app = app_factory(SUPERVISION_VERIFY_HOURS=0.25, SUPERVISION_CHECK_HOURS=0.5)
    with app.app_context():
        world = build_week()
        # e5 (grid 010) is rectified Thursday 09:00 and checked at 10:00: an hour, late.
        b = Builder(world)
        b.act("e5", "zjj", "rectify", "2026-11-19T09:00")
        b.act("e5", "gridworker", "check", "2026-11-19T10:00", passed=True)
    items = {
        i["grid_code"]: i for i in _get(app.test_client(), "/api/v1/stats/grids", **WEEK)["items"]
    }
    # grid 005: c1 reported 08:00, verified 08:20 (20 min > 15: late); rectified 10:00, checked
    # 10:30 (30 min: on time, the limit itself counts).
    g5 = items[grid(5)]
    assert (g5["verified"], g5["verified_on_time"], g5["verify_on_time_rate"]) == (1, 0, 0.0)
    assert (g5["checked"], g5["checked_on_time"], g5["check_on_time_rate"]) == (1, 1, 1.0)
    assert (g5["reported"], g5["missed"]) == (1, 1)  # the 漏报 figures are still there
    # grid 006: e1 rectified 10:00 checked 10:30 (failed), rectified 11:00 checked 11:30: each
    # check measured from the rectification just before it: 2 of 2 on time.
    g6 = items[grid(6)]
    assert (g6["checked"], g6["checked_on_time"], g6["check_failed"]) == (2, 2, 1)
    assert g6["verified"] == 0 and g6["verify_on_time_rate"] is None
    # grid 010: one check, an hour after the rectification: 0 of 1.
    g10 = items[grid(10)]
    assert (g10["checked"], g10["checked_on_time"], g10["check_on_time_rate"]) == (1, 0, 0.0)


def _hotline_case(unit: str, ticket: str, g: str):
    closed = cn("2026-11-17T10:00")
    return make_case(
        status="closed",
        source="hotline",
        grid_code=g,
        category_code="0101",
        unit_code=unit,
        ticket_no=ticket,
        created_at=closed - timedelta(days=1),
        closed_at=closed,
    )


def _satisfaction_week(app) -> None:
    with app.app_context():
        world = build_week()
        dispatcher = world.actors["dispatcher"]
        # hwc: four 12345 callbacks on Friday: 满意, 基本满意, 不满意, 无法联系.
        for ticket, outcome, n in (
            ("H1", "satisfied", 11),
            ("H2", "basically", 12),
            ("H3", "unsatisfied", 13),
            ("H4", "unreachable", 14),
        ):
            case = _hotline_case("hwc", ticket, grid(n))
            db.session.commit()
            record(dispatcher, case.id, outcome, "回访", cn("2026-11-20T10:00"))
            db.session.commit()
        # c1 (hwc, the resident's tip, closed Wednesday): rated 2 (not satisfied), then
        # re-rated 5 (引导重评): the second rating is not counted again.
        b = Builder(world)
        b.act("c1", "resident", "rate", "2026-11-18T12:00", score=2)
        b.act("c1", "resident", "rate", "2026-11-19T12:00", score=5)
        # a callback the week after does not count in W47
        case = _hotline_case("zfj", "H5", grid(15))
        db.session.commit()
        record(dispatcher, case.id, "satisfied", None, cn("2026-11-23T10:00"))
        db.session.commit()


def test_satisfaction_in_unit_indicators_and_bulletin(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2)
    _satisfaction_week(app)
    c = app.test_client()
    units = {i["unit_code"]: i for i in _get(c, "/api/v1/stats/units", **WEEK)["items"]}
    # hwc: answered = 3 callbacks (无法联系 left out) + 1 first rating = 4;
    # satisfied = 满意 + 基本满意 = 2 (the rating of 2 is not): 2 / 4 = 50 %.
    hwc = units["hwc"]
    assert (hwc["satisfaction_answers"], hwc["satisfied"], hwc["satisfaction_rate"]) == (4, 2, 0.5)
    # default weights leave satisfaction out: hwc's score is still its 100
    assert hwc["score"] == 100.0
    # zfj: its only callback is in the next week: no answer, "—".
    zfj = units["zfj"]
    assert (zfj["satisfaction_answers"], zfj["satisfaction_rate"]) == (0, None)
    bulletin = _get(c, "/api/v1/bulletins/weekly", week="2026-W47")
    in_bulletin = next(u for u in bulletin["units"] if u["unit_code"] == "hwc")
    assert in_bulletin["satisfaction_rate"] == 0.5
    html = c.get("/api/v1/bulletins/weekly?week=2026-W47&format=html", headers=auth(c, "admin"))
    assert "满意率" in html.get_data(as_text=True) and "50.00%" in html.get_data(as_text=True)


def test_satisfaction_weight_when_configured(app_factory):
    app = app_factory(
        SUPERVISION_MIN_DUE=2,
        SUPERVISION_WEIGHTS="on_time_rate=50,closing_rate=30,rework_rate=20,satisfaction_rate=100,escalated=1",
    )
    _satisfaction_week(app)
    units = {
        i["unit_code"]: i for i in _get(app.test_client(), "/api/v1/stats/units", **WEEK)["items"]
    }
    # hwc: 100 × (50 × 1 + 30 × 1 + 20 × (1 − 0) + 100 × 0.5) / 200 = 75
    assert units["hwc"]["score"] == 75.0
    # zfj has no satisfaction answer: its weight drops out, the score stays 75 (see the stats test)
    assert units["zfj"]["score"] == 75.0


CSV = """序号,问题描述,经度,纬度,坐标系,地址,点位编号,问题类别,照片,扣分
1,人民广场地面垃圾,,,,,P001,0303,,1.5
2,农贸市场门口道路不洁,,,,,P002,0303,,2
3,人民广场护栏破损,,,,,P001,0303,,0.5
4,人民广场乱堆物,,,,,P001,0303,,
"""


def test_lost_marks_per_unit(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2)
    with app.app_context():
        world = build_week()
        meta = BatchMeta(name="2026年11月省级暗访", source="province_covert")
        import_batch(world.actors["supervisor"], meta, CSV.encode(), None, cn("2026-11-19T15:00"))
        db.session.commit()
    c = app.test_client()
    units = {i["unit_code"]: i for i in _get(c, "/api/v1/stats/units", **WEEK)["items"]}
    # P001 人民广场 belongs to 住建局 (zjj): 1.5 + 0.5 (item 4 has no marks); P002 中心农贸市场
    # to 市监局 (sjj): 2.
    assert units["zjj"]["lost_marks"] == 2.0 and units["sjj"]["lost_marks"] == 2.0
    assert units["zfj"]["lost_marks"] == 0
    # imported in W47: nothing lost the week before
    before = _get(c, "/api/v1/stats/units", **{"from": "2026-11-09", "to": "2026-11-15"})
    assert {i["lost_marks"] for i in before["items"]} == {0}
    bulletin = _get(c, "/api/v1/bulletins/weekly", week="2026-W47")
    assert next(u for u in bulletin["units"] if u["unit_code"] == "zjj")["lost_marks"] == 2.0


@pytest.mark.parametrize("weights", ["satisfaction_rate=-1", "satisfaction=5"])
def test_bad_satisfaction_weight_is_refused(weights):
    from inspector.supervision.formulas import Weights

    with pytest.raises(ValueError):
        Weights.parse(f"on_time_rate=50,{weights}")
