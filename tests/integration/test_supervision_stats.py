"""Indicators of 2026-W47 over a week built through the workflow (supervision_cases.py).

Every expected number is worked out here by hand from domain.md's definitions; the comments
say which cases make it. SUPERVISION_MIN_DUE is 2 for these tests, the list size 1, and the
weights the defaults: 50 × 按期结案率 + 30 × 结案率 + 20 × (1 − 返工率), − 1 per 督办.
"""

from __future__ import annotations

import pytest

from ..helpers import auth
from .supervision_cases import build_week, grid

WEEK = {"from": "2026-11-16", "to": "2026-11-22"}
ZERO = {
    "dispatched": 0,
    "due": 0,
    "closed": 0,
    "closed_on_time": 0,
    "rectified": 0,
    "returned": 0,
    "reworked": 0,
    "extended": 0,
    "overdue_open": 0,
    "escalated": 0,
    "recurrences": 0,
}


@pytest.fixture
def week_client(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2, SUPERVISION_LIST_SIZE=1)
    with app.app_context():
        build_week()
    return app.test_client()


def _units(client, user="supervisor", **params):
    response = client.get("/api/v1/stats/units", query_string=params, headers=auth(client, user))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_unit_indicators_worked_out_by_hand(week_client):
    body = _units(week_client, **WEEK)
    assert body["period"]["from"] == "2026-11-16" and body["period"]["to"] == "2026-11-22"
    assert body["weights"]["rates"] == {"on_time_rate": 50, "closing_rate": 30, "rework_rate": 20}
    items = {i["unit_code"]: i for i in body["items"]}

    # zfj: a1 (due 11:00, rectified 10:00: on time) and a2 (due 11:00, rectified 14:00: late),
    # both dispatched and closed in the week; r1 is a recurrence of a1.
    zfj = items["zfj"]
    assert {k: zfj[k] for k in ZERO} == {
        **ZERO,
        "dispatched": 2,
        "due": 2,
        "closed": 2,
        "closed_on_time": 1,
        "rectified": 2,
        "recurrences": 1,
    }
    assert (zfj["closing_rate"], zfj["on_time_rate"], zfj["rework_rate"]) == (1.0, 0.5, 0.0)
    # 100 × (50 × 0.5 + 30 × 1 + 20 × (1 − 0)) / 100 = 75
    assert zfj["score"] == 75.0 and zfj["rank"] == 1

    # jjdd: the same two cases as zfj without the recurrence: the same score, the same rank.
    jjdd = items["jjdd"]
    assert jjdd["due"] == 2 and jjdd["closed_on_time"] == 1 and jjdd["recurrences"] == 0
    assert jjdd["score"] == 75.0 and jjdd["rank"] == 1

    # zjj: dispatched in the week: e2, e3, e4, e5 (e1 went out the Friday before) = 4.
    # Due: e1 (current deadline Mon 14:00 after the rework) and e5 (Wed 11:00) = 2; e2 was
    # extended to 11-26 (缓办), e3 falls due 11-23, e4 was rejected.
    # Closed: e1, rectified 11:00 before its 14:00 deadline: on time. Rectified: e1 twice.
    # Reworked: e1's failed check. Returned: e4. Extended: e2. Overdue open: e5. 督办: e5.
    zjj = items["zjj"]
    assert {k: zjj[k] for k in ZERO} == {
        **ZERO,
        "dispatched": 4,
        "due": 2,
        "closed": 1,
        "closed_on_time": 1,
        "rectified": 2,
        "returned": 1,
        "reworked": 1,
        "extended": 1,
        "overdue_open": 1,
        "escalated": 1,
    }
    assert (zjj["closing_rate"], zjj["on_time_rate"], zjj["rework_rate"]) == (0.5, 0.5, 0.5)
    assert (zjj["extension_rate"], zjj["return_rate"]) == (0.25, 0.25)
    # 50 × 0.5 + 30 × 0.5 + 20 × (1 − 0.5) − 1 × 1 = 25 + 15 + 10 − 1 = 49; third after the tie
    assert zjj["score"] == 49.0 and zjj["rank"] == 3

    # hwc: one perfect case (100 points) but fewer due cases than the minimum of 2: unranked.
    hwc = items["hwc"]
    assert (hwc["due"], hwc["closed_on_time"], hwc["score"], hwc["rank"]) == (1, 1, 100.0, None)

    # szc: no case at all: listed, every rate "—" (null), no score, no rank.
    szc = items["szc"]
    assert {k: szc[k] for k in ZERO} == ZERO
    assert szc["closing_rate"] is None and szc["on_time_rate"] is None
    assert szc["rework_rate"] is None and szc["score"] is None and szc["rank"] is None

    # ranked first (ties in code order), then the unranked
    codes = [i["unit_code"] for i in body["items"]]
    assert codes[:4] == ["jjdd", "zfj", "zjj", "hwc"]
    assert [i["rank"] for i in body["items"]][:3] == [1, 1, 3]


def test_period_edges_and_zone_filter(week_client):
    # Monday alone: due a1, b1, e1 (Mon 14:00); e1's failed check and both its rectifications.
    monday = {
        i["unit_code"]: i
        for i in _units(week_client, **{"from": "2026-11-16", "to": "2026-11-16"})["items"]
    }
    assert (monday["zjj"]["due"], monday["zjj"]["reworked"], monday["zjj"]["rectified"]) == (
        1,
        1,
        2,
    )
    assert monday["zfj"]["due"] == 1 and monday["zfj"]["dispatched"] == 1
    # The week before: e1 was dispatched on Friday 11-13; due only on Monday: not due then.
    before = {
        i["unit_code"]: i
        for i in _units(week_client, **{"from": "2026-11-09", "to": "2026-11-15"})["items"]
    }
    assert (before["zjj"]["dispatched"], before["zjj"]["due"]) == (1, 0)
    # 东城区 holds none of these cases.
    east = _units(week_client, zone_code="429902", **WEEK)["items"]
    assert all(i["dispatched"] == 0 and i["due"] == 0 for i in east)


def test_unit_staff_read_their_own_unit_only(week_client):
    items = _units(week_client, "unitstaff", **WEEK)["items"]
    assert [i["unit_code"] for i in items] == ["zfj"] and items[0]["rank"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-11-22", "to": "2026-11-16"},
        {"from": "yesterday", "to": "2026-11-16"},
        {"from": "2020-01-01", "to": "2026-11-16"},
        {"to": "2026-11-16"},
    ],
)
def test_bad_periods_are_422(week_client, params):
    response = week_client.get(
        "/api/v1/stats/units", query_string=params, headers=auth(week_client, "supervisor")
    )
    assert response.status_code == 422 and response.get_json()["error"]["message"]


def test_grids_with_missed_reports(week_client):
    response = week_client.get(
        "/api/v1/stats/grids", query_string=WEEK, headers=auth(week_client, "supervisor")
    )
    items = {i["grid_code"]: i for i in response.get_json()["items"]}
    # grid 005: c1 came from a resident (漏报), verified and checked on site by the grid worker.
    assert items[grid(5)] | {} == {
        **items[grid(5)],
        "reported": 1,
        "found_by_worker": 0,
        "missed": 1,
        "miss_rate": 1.0,
        "verified": 1,
        "checked": 1,
        "check_failed": 0,
    }
    # grid 001: a1 and r1, both the grid worker's patrol reports.
    assert (items[grid(1)]["reported"], items[grid(1)]["missed"]) == (2, 0)
    # grid 006: e1 was reported the week before; this week two checks, one failed.
    assert (items[grid(6)]["reported"], items[grid(6)]["checked"]) == (0, 2)
    assert items[grid(6)]["check_failed"] == 1 and items[grid(6)]["miss_rate"] is None
    assert response.get_json()["items"][0]["grid_code"] == grid(5)  # most misses first


def test_categories(week_client):
    response = week_client.get(
        "/api/v1/stats/categories", query_string=WEEK, headers=auth(week_client, "dispatcher")
    )
    items = {i["category_code"]: i for i in response.get_json()["items"]}
    # 0101: opened in the week a1 a2 e2 e3 e4 e5 r1 = 7; due a1 a2 e1 e5 = 4; closed a1 a2 e1;
    # on time a1 e1.
    stall = items["0101"]
    assert (stall["reported"], stall["due"], stall["closed"], stall["closed_on_time"]) == (
        7,
        4,
        3,
        2,
    )
    assert (stall["closing_rate"], stall["on_time_rate"]) == (0.75, 0.5)
    assert (items["0201"]["due"], items["0201"]["closed_on_time"]) == (2, 1)
    assert items["0301"]["family_name"] == "事件" and items["0301"]["on_time_rate"] == 1.0
    assert "0601" not in items  # nothing happened in that category


def test_reporters_masked(week_client):
    response = week_client.get(
        "/api/v1/stats/reporters", query_string=WEEK, headers=auth(week_client, "supervisor")
    )
    items = response.get_json()["items"]
    # 网格员王芳: a1 a2 b1 b2 e2 e3 e4 e5 r1 = 9 sent, all filed but e4 (rejected) = 8 valid.
    # 市民张先生: c1, verified and filed.
    assert items == [
        {
            "reporter": "网****",
            "role": "grid_worker",
            "role_name": "网格员",
            "sent": 9,
            "valid": 8,
            "valid_rate": round(8 / 9, 4),
        },
        {
            "reporter": "市****",
            "role": "resident",
            "role_name": "市民",
            "sent": 1,
            "valid": 1,
            "valid_rate": 1.0,
        },
    ]
    assert "王芳" not in response.get_data(as_text=True)


def test_rankings_red_black_and_yellow_flag(week_client):
    headers = auth(week_client, "supervisor")
    body = week_client.get("/api/v1/rankings?week=2026-W47", headers=headers).get_json()
    # list size 1: the best (jjdd and zfj tie; code order) and the worst ranked unit
    assert [i["unit_code"] for i in body["red"]] == ["jjdd"]
    assert [i["unit_code"] for i in body["black"]] == ["zjj"]
    # W46 had no ranked unit (only e1's dispatch); W47's worst takes the flag.
    assert body["yellow_flag"] == {
        "unit_code": "zjj",
        "unit_name": "住建局",
        "since_week": "2026-W47",
    }
    # W48: only zjj has due cases (e2 on 11-26, e3 on 11-23, neither closed): still worst, keeps it.
    later = week_client.get("/api/v1/rankings?week=2026-W48", headers=headers).get_json()
    assert later["yellow_flag"]["since_week"] == "2026-W47"
    assert week_client.get("/api/v1/rankings?week=2026-W99", headers=headers).status_code == 422
