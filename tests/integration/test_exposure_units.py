"""对落后单位给予曝光: the public 曝光台 names the bottom units of the latest PUBLISHED weekly
bulletin, with its frozen numbers; nothing before publication, nothing live."""

from __future__ import annotations

import pytest

from ..helpers import auth
from .supervision_cases import Builder, build_week


@pytest.fixture
def week_app(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2, SUPERVISION_LIST_SIZE=1)
    with app.app_context():
        app.extensions["test_week"] = build_week()
    return app


def test_bottom_units_of_the_published_week_are_public(week_app):
    c = week_app.test_client()
    # Nothing published yet: no unit is named, whatever the live numbers say.
    board = c.get("/api/v1/public/exposure")
    assert board.status_code == 200 and board.get_json()["lagging_units"] is None

    published = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=auth(c, "supervisor"))
    assert published.status_code == 201, published.get_json()
    lagging = c.get("/api/v1/public/exposure").get_json()["lagging_units"]
    assert lagging["week"] == "2026-W47" and lagging["published_at"].endswith("+08:00")
    assert (lagging["period"]["from"], lagging["period"]["to"]) == ("2026-11-16", "2026-11-22")
    # Ranked (at least 2 due cases): zfj and jjdd (75 points, both 1st) and zjj (49, 3rd);
    # the black list holds 1 unit (SUPERVISION_LIST_SIZE): 住建局, worked out in
    # test_supervision_stats: 2 due, 1 closed, 1 overdue open; closing 1/2, on time 1/2,
    # rework 1 of 2 rectified; 50 x 0.5 + 30 x 0.5 + 20 x 0.5 - 1 = 49.
    assert lagging["ranked_units"] == 3
    assert lagging["items"] == [
        {
            "unit_name": "住建局",
            "rank": 3,
            "score": 49.0,
            "due": 2,
            "closed": 1,
            "overdue_open": 1,
            "closing_rate": 0.5,
            "on_time_rate": 0.5,
            "rework_rate": 0.5,
        }
    ]

    # Later history (e5 rectified and closed) moves the live numbers, not the public ones.
    with week_app.app_context():
        b = Builder(week_app.extensions["test_week"])
        b.act("e5", "zjj", "rectify", "2026-11-18T15:00")
        b.act("e5", "gridworker", "check", "2026-11-18T15:30", passed=True)
    live = c.get(
        "/api/v1/stats/units?from=2026-11-16&to=2026-11-22", headers=auth(c, "supervisor")
    ).get_json()
    assert next(i for i in live["items"] if i["unit_code"] == "zjj")["closed"] == 2
    assert c.get("/api/v1/public/exposure").get_json()["lagging_units"] == lagging
