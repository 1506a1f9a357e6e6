"""GET /notifications and POST /notifications/<id>/read: who sees what, per-account read state."""

from __future__ import annotations

from sqlalchemy import select

from inspector.extensions import db
from inspector.sla.jobs import tick
from inspector.sla.service import set_due
from inspector.workflow.models import Case

from ..helpers import auth
from .sla_cases import cn, dispatched_case

URL = "/api/v1/notifications"


def _notices(demo_app) -> dict[str, int]:
    with demo_app.app_context():
        mine = dispatched_case("zfj", cn("2025-11-12T09:00"), 2)
        other = dispatched_case("hwc", cn("2025-11-12T09:00"), 2)
        assert tick(cn("2025-11-12T11:30"))["escalated"] == 2
    return {"mine": mine, "other": other}


def test_unit_staff_see_their_unit_and_others_see_all(demo_app, demo_client):
    cases = _notices(demo_app)
    staff = demo_client.get(URL, headers=auth(demo_client, "unitstaff"))
    assert staff.status_code == 200
    (item,) = staff.get_json()["items"]
    assert item["case"]["id"] == cases["mine"] and item["unit_code"] == "zfj"
    assert (item["kind"], item["level"], item["level_name"]) == ("escalate", 1, "督办")
    assert item["read"] is False and item["created_at"].endswith("+08:00")
    for role in ("dispatcher", "supervisor"):
        answer = demo_client.get(URL, headers=auth(demo_client, role)).get_json()
        assert {i["case"]["id"] for i in answer["items"]} == set(cases.values())
    assert demo_client.get(URL, headers=auth(demo_client, "resident")).status_code == 403
    assert demo_client.get(URL).status_code == 401


def test_marking_read_is_per_account_and_idempotent(demo_app, demo_client):
    _notices(demo_app)
    staff, dispatcher = auth(demo_client, "unitstaff"), auth(demo_client, "dispatcher")
    (item,) = demo_client.get(URL, headers=staff).get_json()["items"]
    first = demo_client.post(f"{URL}/{item['id']}/read", headers=staff)
    assert first.status_code == 200 and first.get_json()["read"] is True
    again = demo_client.post(f"{URL}/{item['id']}/read", headers=staff)
    assert again.get_json()["read_at"] == first.get_json()["read_at"]
    assert demo_client.get(f"{URL}?unread=true", headers=staff).get_json()["items"] == []
    unread = demo_client.get(f"{URL}?unread=true", headers=dispatcher).get_json()["items"]
    assert item["id"] in {i["id"] for i in unread}  # the dispatcher has not read it


def test_other_units_notices_are_not_found_and_bad_filters_are_422(demo_app, demo_client):
    cases = _notices(demo_app)
    dispatcher, staff = auth(demo_client, "dispatcher"), auth(demo_client, "unitstaff")
    listed = demo_client.get(f"{URL}?case_id={cases['other']}", headers=dispatcher).get_json()
    (foreign,) = listed["items"]
    answer = demo_client.post(f"{URL}/{foreign['id']}/read", headers=staff)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"
    assert demo_client.post(f"{URL}/999999/read", headers=dispatcher).status_code == 404
    bad = demo_client.get(f"{URL}?kind=spam", headers=dispatcher)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_input"


def test_publicly_supervised_notice_names_the_head(demo_app, demo_client):
    with demo_app.app_context():
        dispatched_case("zfj", cn("2025-11-12T09:00"), 2)
        tick(cn("2025-11-12T11:30"))
        case = db.session.scalars(select(Case)).one()
        set_due(case, case.due_at, 1, "work_hours")
        db.session.commit()
        assert tick(cn("2025-11-12T14:31"))["publicly_supervised"] == 1
    items = demo_client.get(f"{URL}?kind=escalate", headers=auth(demo_client, "supervisor"))
    heads = [i for i in items.get_json()["items"] if i["recipient"] == "unit_head"]
    assert [(h["recipient_name"], h["level_name"]) for h in heads] == [("张建国", "挂牌督办")]
    assert "张建国" in heads[0]["message"]
