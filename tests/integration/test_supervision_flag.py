"""流动黄旗 replayed over three weeks built through the workflow, nothing published, then the same
history continued from a published week. Every score below is worked out by hand.

SUPERVISION_MIN_DUE is 1 here; weights the defaults: 50 × 按期结案率 + 30 × 结案率 + 20 × (1 − 返工率)
over the rates that exist. "2 工作时" from 09:00 falls due at 11:00; from Friday 16:30 on Monday
09:30 (16:30-17:30, then 08:30-09:30). Weeks: W45 = 11-02..11-08, W46 = 11-09..11-15,
W47 = 11-16..11-22 (no holidays).
"""

from __future__ import annotations

import pytest

from ..helpers import auth
from .supervision_cases import Builder, grid


def _closed(b: Builder, name: str, unit: str, g: str, day: str, rectified: str) -> None:
    """Reported 08:40, dispatched 09:00 (due 11:00), rectified at `rectified`, checked +30 min."""
    b.dispatched(name, unit, g, "0101", f"{day}T08:40", f"{day}T09:00")
    b.act(name, unit, "rectify", f"{day}T{rectified}")
    hour, minute = rectified.split(":")
    b.act(name, "gridworker", "check", f"{day}T{hour}:{int(minute) + 30:02d}", passed=True)


def build_three_weeks() -> None:
    b = Builder()
    # W45: zfj on time (100); jjdd late (0 + 30 + 20 = 50). hwc: its only case is due next week.
    _closed(b, "w45zfj", "zfj", grid(1), "2026-11-02", "10:00")
    _closed(b, "w45jjdd", "jjdd", grid(2), "2026-11-03", "14:00")
    # W46: zfj never rectifies (due Wed 11:00): 按期 0, 结案 0, no rectification so no 返工率:
    # 100 × (50 × 0 + 30 × 0) / 80 = 0. jjdd on time: 100.
    b.dispatched("w46zfj", "zfj", grid(3), "0101", "2026-11-11T08:40", "2026-11-11T09:00")
    _closed(b, "w46jjdd", "jjdd", grid(4), "2026-11-09", "10:00")
    # hwc: dispatched Fri 11-06 16:30 (W45), due Mon 11-09 09:30, rectified 14:00: late, due in W46;
    # dispatched Fri 11-13 16:30, due Mon 11-16 09:30 (W47) but closed Friday 17:10: due in W46
    # (closed before its deadline), on time. W46: due 2, closed 2, on time 1, rectified 2:
    # 50 × 0.5 + 30 × 1 + 20 × 1 = 75.
    b.dispatched("w45hwc", "hwc", grid(5), "0101", "2026-11-06T16:10", "2026-11-06T16:30")
    b.act("w45hwc", "hwc", "rectify", "2026-11-09T14:00")
    b.act("w45hwc", "gridworker", "check", "2026-11-09T14:30", passed=True)
    b.dispatched("w46hwc", "hwc", grid(6), "0101", "2026-11-13T16:10", "2026-11-13T16:30")
    b.act("w46hwc", "hwc", "rectify", "2026-11-13T17:00")
    b.act("w46hwc", "gridworker", "check", "2026-11-13T17:10", passed=True)
    # W47: zfj and jjdd both late (50 each), hwc on time (100).
    _closed(b, "w47zfj", "zfj", grid(7), "2026-11-16", "14:00")
    _closed(b, "w47jjdd", "jjdd", grid(8), "2026-11-17", "14:00")
    _closed(b, "w47hwc", "hwc", grid(9), "2026-11-18", "10:00")


@pytest.fixture(name="weeks_app")
def weeks_app_fixture(app_factory):
    """The three weeks built once per test; the snapshot and event-fact tests share it."""
    app = app_factory(SUPERVISION_MIN_DUE=1, SUPERVISION_LIST_SIZE=1)
    with app.app_context():
        build_three_weeks()
    return app


def _get(client, path):
    response = client.get(path, headers=auth(client, "supervisor"))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def _scores(body: dict) -> dict[str, tuple]:
    return {
        u["unit_code"]: (u["due"], u["closed"], u["closed_on_time"], u["score"], u["rank"])
        for u in body["units"]
        if u["unit_code"] in ("zfj", "jjdd", "hwc")
    }


# W45: jjdd worst, takes the flag. W46: zfj (0) worse than anyone: takes it.
# W47: zfj and jjdd tie for worst (50): the holder zfj keeps it.
HISTORY = [
    {"week": "2026-W45", "unit_code": "jjdd", "unit_name": "交警大队"},
    {"week": "2026-W46", "unit_code": "zfj", "unit_name": "综合执法局"},
]


def test_first_bulletin_replays_the_weeks(weeks_app):
    c = weeks_app.test_client()
    w46 = _get(c, "/api/v1/bulletins/weekly?week=2026-W46")
    assert _scores(w46) == {
        "zfj": (1, 0, 0, 0.0, 3),
        "jjdd": (1, 1, 1, 100.0, 1),
        "hwc": (2, 2, 1, 75.0, 2),
    }
    w47 = _get(c, "/api/v1/bulletins/weekly?week=2026-W47")
    assert _scores(w47) == {
        "hwc": (1, 1, 1, 100.0, 1),
        "zfj": (1, 1, 0, 50.0, 2),
        "jjdd": (1, 1, 0, 50.0, 2),
    }
    assert w47["yellow_flag_history"] == HISTORY
    assert w47["yellow_flag"] == {
        "unit_code": "zfj",
        "unit_name": "综合执法局",
        "since_week": "2026-W46",
    }
    # W45 alone: zfj 100 (rank 1), jjdd 50 (rank 2), hwc nothing due (unranked).
    w45 = _get(c, "/api/v1/rankings?week=2026-W45")
    assert w45["yellow_flag_history"] == HISTORY[:1]
    assert [u["unit_code"] for u in w45["red"]] == ["zfj"]
    assert [u["unit_code"] for u in w45["black"]] == ["jjdd"]


def test_replay_continues_from_a_published_week(weeks_app):
    c = weeks_app.test_client()
    published = c.post("/api/v1/bulletins/weekly/2026-W45/publish", headers=auth(c, "admin"))
    assert published.status_code == 201, published.get_json()
    assert _get(c, "/api/v1/rankings?week=2026-W47")["yellow_flag_history"] == HISTORY
    # W46 published as well: W47 is then computed alone on top of its frozen history.
    assert (
        c.post("/api/v1/bulletins/weekly/2026-W46/publish", headers=auth(c, "admin")).status_code
        == 201
    )
    assert _get(c, "/api/v1/bulletins/weekly?week=2026-W47")["yellow_flag_history"] == HISTORY
