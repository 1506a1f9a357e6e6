"""专项整治: cases inside a campaign's period, area and categories, and its report."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from pypdf import PdfReader

from inspector.timeutil import CHINA, utcnow

from ..helpers import auth
from .flows import GRID, OTHER_GRID, act, act_on_site, post_report


def _case_id(answer) -> int:
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["case"]["id"]


def test_campaign_counts_cases_in_its_area_and_categories(demo_client):
    c = demo_client
    today = utcnow().astimezone(CHINA).date()
    # Inside: two 占道经营 patrol reports in 鼓楼社区 (filed at once), dispatched to 综合执法局.
    closed = _case_id(post_report(c, "gridworker", GRID, "0101"))
    still_open = _case_id(post_report(c, "gridworker", GRID, "0101"))
    # Outside: another category in the area; the same category in another community.
    _case_id(post_report(c, "gridworker", GRID, "0301"))
    _case_id(post_report(c, "supervisor", OTHER_GRID, "0101"))
    for case_id in (closed, still_open):
        assert act(c, "dispatcher", case_id, "dispatch").get_json()["unit_code"] == "zfj"
    assert act_on_site(c, "unitstaff", closed, "rectify", note="已清理").status_code == 200
    assert (
        act_on_site(c, "gridworker", closed, "check", passed=True).get_json()["status"] == "closed"
    )

    made = c.post(
        "/api/v1/campaigns",
        json={
            "name": "鼓楼社区占道经营专项整治",
            "from": (today - timedelta(days=1)).isoformat(),
            "to": today.isoformat(),
            "zone_codes": ["429901001001"],
            "category_codes": ["0101"],
        },
        headers=auth(c, "supervisor"),
    )
    assert made.status_code == 201, made.get_json()
    campaign_id = made.get_json()["id"]

    report = c.get(
        f"/api/v1/campaigns/{campaign_id}/report", headers=auth(c, "dispatcher")
    ).get_json()
    assert sorted(report["case_ids"]) == sorted([closed, still_open])
    # 2 found, 1 closed (rectified at once, long before its 2-working-hour deadline): 1/2, 1/2.
    assert (report["found"], report["closed"], report["closed_on_time"], report["open"]) == (
        2,
        1,
        1,
        1,
    )
    assert (report["closing_rate"], report["on_time_rate"]) == (0.5, 0.5)
    assert [(u["unit_code"], u["found"], u["closed"]) for u in report["by_unit"]] == [("zfj", 2, 1)]
    assert report["after"] == {"found": 0, "recurrences": 0}

    xlsx = c.get(f"/api/v1/campaigns/{campaign_id}/report?format=xlsx", headers=auth(c, "admin"))
    rows = list(load_workbook(io.BytesIO(xlsx.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][:5] == ("综合执法局", "zfj", 2, 1, 1) and rows[-1][0] == "合计"
    html = c.get(f"/api/v1/campaigns/{campaign_id}/report?format=html", headers=auth(c, "admin"))
    assert "鼓楼社区占道经营专项整治" in html.get_data(as_text=True)
    pdf = c.get(f"/api/v1/campaigns/{campaign_id}/report?format=pdf", headers=auth(c, "admin"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    flat = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = flat.replace(" ", "").replace("\n", "")
    # 综合执法局: 2 found, 1 closed, 1 on time, 1 open, 0 overdue, 0 recurrences, 0.5, 0.5.
    assert "鼓楼社区占道经营专项整治" in flat and "综合执法局zfj2111000.50.5" in flat

    # A campaign that ended yesterday sees today's cases as "after".
    earlier = c.post(
        "/api/v1/campaigns",
        json={
            "name": "上一期",
            "from": (today - timedelta(days=7)).isoformat(),
            "to": (today - timedelta(days=1)).isoformat(),
            "zone_codes": ["429901001001"],
            "category_codes": ["0101"],
        },
        headers=auth(c, "admin"),
    ).get_json()
    past = c.get(f"/api/v1/campaigns/{earlier['id']}/report", headers=auth(c, "admin")).get_json()
    assert past["found"] == 0 and past["closing_rate"] is None and past["after"]["found"] == 2


def test_campaign_input_is_checked(demo_client):
    c, headers = demo_client, auth(demo_client, "supervisor")
    base = {"name": "x", "from": "2026-11-01", "to": "2026-11-30"}
    unknown = c.post("/api/v1/campaigns", json={**base, "zone_codes": ["nope"]}, headers=headers)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["unknown"] == ["nope"]
    backwards = c.post("/api/v1/campaigns", json={**base, "from": "2026-12-01"}, headers=headers)
    assert backwards.status_code == 422
    assert c.post("/api/v1/campaigns", json=base, headers=auth(c, "dispatcher")).status_code == 403
    assert c.get("/api/v1/campaigns/999/report", headers=headers).status_code == 404
