"""周通报: numbers, the A4 page, the PDF read back, and publishing that freezes all of it."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from ..helpers import auth
from .supervision_cases import Builder, build_week, grid


@pytest.fixture
def week_app(app_factory):
    app = app_factory(SUPERVISION_MIN_DUE=2, SUPERVISION_LIST_SIZE=1)
    with app.app_context():
        app.extensions["test_week"] = build_week()
    return app


def _get(client, path, user="supervisor"):
    response = client.get(path, headers=auth(client, user))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_weekly_bulletin_numbers(week_app):
    c = week_app.test_client()
    body = _get(c, "/api/v1/bulletins/weekly?week=2026-W47").get_json()
    assert body["published"] is None and body["kind_name"] == "周通报"
    # 受理: a1 a2 b1 b2 c1 e2 e3 e4 e5 r1 = 10 (e1 came the week before); all filed in the week.
    # 应结案: zfj 2 + jjdd 2 + hwc 1 + zjj 2 = 7; 结案 2 + 2 + 1 + 1 = 6; 按期 1 + 1 + 1 + 1 = 4.
    assert body["totals"] == {
        "received": 10,
        "filed": 10,
        "due": 7,
        "closed": 6,
        "closing_rate": round(6 / 7, 4),
        "closed_on_time": 4,
        "on_time_rate": round(4 / 7, 4),
    }
    assert [(s["source"], s["count"]) for s in body["by_source"]] == [("patrol", 9), ("tip", 1)]
    event = body["by_family"][0]
    assert (event["family_name"], event["filed"], event["due"], event["closed"]) == (
        "事件",
        10,
        7,
        6,
    )
    # 0101: a1 a2 e2 e3 e4 e5 r1 = 7 filed; 0201: b1 b2; 0301: c1
    assert [(t["code"], t["count"]) for t in body["top_categories"]["event"]] == [
        ("0101", 7),
        ("0201", 2),
        ("0301", 1),
    ]
    # Monday: new a1 b1; closed a1 b1 e1. Sunday: nothing.
    assert body["daily"][0] == {"date": "2026-11-16", "new": 2, "closed": 3}
    assert body["daily"][6] == {"date": "2026-11-22", "new": 0, "closed": 0}
    assert [u["unit_code"] for u in body["red"]] == ["jjdd"]
    assert [u["unit_code"] for u in body["black"]] == ["zjj"]
    assert body["yellow_flag"]["unit_code"] == "zjj"
    assert [c["unit_code"] for c in body["overdue"]] == ["zjj"]  # e5
    assert [(c["unit_code"], c["times"]) for c in body["escalated"]] == [("zjj", 1)]
    assert body["recurrence_hotspots"] == [
        {
            "grid_code": grid(1),
            "grid_name": body["recurrence_hotspots"][0]["grid_name"],
            "recurrences": 1,
        }
    ]
    west = next(d for d in body["by_district"] if d["district_code"] == "429901")
    assert (west["received"], west["due"], west["closed"]) == (10, 7, 6)


def test_pdf_shows_the_ranking_and_unit_names(week_app):
    c = week_app.test_client()
    html = _get(c, "/api/v1/bulletins/weekly?week=2026-W47&format=html")
    assert html.mimetype == "text/html" and "住建局" in html.get_data(as_text=True)
    pdf = _get(c, "/api/v1/bulletins/weekly?week=2026-W47&format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert "城市管理督查周通报" in flat
    assert "住建局" in flat and "交警大队" in flat and "流动黄旗" in flat
    assert "红榜:交警大队(第1名)" in flat and "黑榜:住建局(第3名)" in flat


def test_publish_freezes_numbers_against_later_history(week_app):
    c = week_app.test_client()
    assert (
        c.post(
            "/api/v1/bulletins/weekly/2026-W47/publish", headers=auth(c, "dispatcher")
        ).status_code
        == 403
    )
    published = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=auth(c, "supervisor"))
    assert published.status_code == 201, published.get_json()
    info = published.get_json()["published"]
    assert info["by"] == "督查组" and info["by_role"] == "supervisor" and len(info["sha256"]) == 64
    before = _get(c, "/api/v1/bulletins/weekly?week=2026-W47").get_json()

    # History changes afterwards: e5 is recorded as rectified and closed on Wednesday afternoon.
    with week_app.app_context():
        b = Builder(week_app.extensions["test_week"])
        b.act("e5", "zjj", "rectify", "2026-11-18T15:00")
        b.act("e5", "gridworker", "check", "2026-11-18T15:30", passed=True)

    live = _get(c, "/api/v1/stats/units?from=2026-11-16&to=2026-11-22").get_json()
    zjj_live = next(i for i in live["items"] if i["unit_code"] == "zjj")
    assert zjj_live["closed"] == 2  # the live numbers moved...
    after = _get(c, "/api/v1/bulletins/weekly?week=2026-W47").get_json()
    assert after == before  # ...the published ones did not
    zjj = next(u for u in after["units"] if u["unit_code"] == "zjj")
    assert zjj["closed"] == 1 and after["totals"]["closed"] == 6
    pdf = _get(c, "/api/v1/bulletins/weekly?week=2026-W47&format=pdf")
    assert (
        hashlib.sha256(pdf.data).hexdigest() == info["sha256"] == pdf.headers["X-Bulletin-SHA256"]
    )
    # the rankings of that week read the frozen table too
    ranking = _get(c, "/api/v1/rankings?week=2026-W47").get_json()
    assert [u["unit_code"] for u in ranking["black"]] == ["zjj"] and ranking["black"][0][
        "closed"
    ] == 1
    again = c.post("/api/v1/bulletins/weekly/2026-W47/publish", headers=auth(c, "admin"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_published"
    early = c.post("/api/v1/bulletins/weekly/2027-W10/publish", headers=auth(c, "admin"))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "period_not_over"
