"""The closed loop over HTTP: 随手拍 -> 核实 -> 立案 -> 派遣 -> 处置 -> 核查 -> 结案 -> 评价."""

from __future__ import annotations

from click.testing import CliRunner

from inspector.cli import audit_cli

from ..helpers import auth
from .flows import OTHER_GRID, act, act_on_site, new_client_id, post_report


def _case(client, user, case_id, **params):
    return client.get(f"/api/v1/cases/{case_id}", headers=auth(client, user), query_string=params)


def test_full_loop_from_anonymous_tip_to_rating(demo_client, demo_app):
    c = demo_client
    posted = post_report(c, None, category=None, phone="13800138000", client_id=new_client_id())
    assert posted.status_code == 201, posted.get_json()
    body = posted.get_json()
    token, case_id = body["tracking_token"], body["case"]["id"]
    assert body["status"] == "verifying" and body["grid"]["code"] == "429901001001007"
    assert len(body["case"]["number"]) == 13 and body["photos"][0]["url"]

    assert act_on_site(c, "gridworker", case_id, "verify", note="现场确有占道").status_code == 200
    assert (
        act(c, "dispatcher", case_id, "file", category_code="0101").get_json()["status"] == "filed"
    )
    dispatched = act(c, "dispatcher", case_id, "dispatch").get_json()
    assert dispatched["status"] == "dispatched" and dispatched["unit_code"] == "zfj"
    assert dispatched["due_at"] and dispatched["overdue"] is False
    routing = dispatched["timeline"][-1]["data"]["routing"]
    assert (
        routing["basis"] in ("point", "rule", "category_default", "grid_unit") and routing["reason"]
    )

    rectified = act_on_site(c, "unitstaff", case_id, "rectify", note="已清理")
    assert rectified.status_code == 200, rectified.get_json()
    assert rectified.get_json()["status"] == "rectified"
    closed = act_on_site(c, "gridworker", case_id, "check", passed=True)
    assert closed.get_json()["status"] == "closed", closed.get_json()

    followed = c.get(f"/api/v1/reports/{body['id']}?token={token}").get_json()
    assert followed["status"] == "closed" and followed["status_name"] == "已办结"
    assert followed["after_photos"] and "original_url" not in followed["after_photos"][0]
    assert "phone" not in followed

    rated = act(c, None, case_id, "rate", headers={}, score=5, note="满意", token=token)
    assert rated.status_code == 200, rated.get_json()
    timeline = [e["action"] for e in _case(c, "dispatcher", case_id).get_json()["timeline"]]
    assert timeline == ["report", "verify", "file", "dispatch", "rectify", "check", "rate"]

    with demo_app.app_context():
        result = CliRunner().invoke(audit_cli, ["verify"], obj=None, standalone_mode=False)
    assert result.exception is None, result.output


def test_patrol_report_with_category_is_filed_at_once(demo_client):
    body = post_report(demo_client, "gridworker", category="0301").get_json()
    assert body["status"] == "filed" and body["source"] == "patrol"


def test_failed_check_sends_it_back_as_rework(demo_client):
    c = demo_client
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    act(c, "dispatcher", case_id, "dispatch")
    act_on_site(c, "unitstaff", case_id, "rectify")
    failed = act_on_site(c, "gridworker", case_id, "check", passed=False, note="摊位仍在")
    body = failed.get_json()
    assert body["status"] == "dispatched" and body["rework_count"] == 1


def test_return_then_redispatch_to_another_unit(demo_client):
    c = demo_client
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    act(c, "dispatcher", case_id, "dispatch")
    assert act(c, "unitstaff", case_id, "return").status_code == 422  # needs a reason
    returned = act(c, "unitstaff", case_id, "return", note="不属于本单位职责")
    assert returned.get_json()["status"] == "returned"
    # unit staff no longer see it once it goes elsewhere
    again = act(c, "dispatcher", case_id, "dispatch", unit_code="jd-429901001").get_json()
    assert again["unit_code"] == "jd-429901001" and again["return_count"] == 1
    assert _case(c, "unitstaff", case_id).status_code == 404


def test_extension_moves_the_due_time(demo_client):
    c = demo_client
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    due = act(c, "dispatcher", case_id, "dispatch").get_json()["due_at"]
    asked = act(
        c, "unitstaff", case_id, "request-extension", value=2, unit="work_days", note="需协调"
    )
    assert asked.status_code == 200 and asked.get_json()["extension_request"]["value"] == 2
    assert (
        act(
            c, "unitstaff", case_id, "request-extension", value=1, unit="work_days", note="x"
        ).status_code
        == 409
    )
    approved = act(c, "dispatcher", case_id, "approve-extension").get_json()
    assert approved["due_at"] > due and approved["extension_request"] is None


def test_forbidden_and_invalid_transitions(demo_client):
    c = demo_client
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    assert act(c, "unitstaff", case_id, "dispatch").status_code == 404  # not his unit's case yet
    assert act(c, "gridworker", case_id, "dispatch").status_code == 403
    closing = act(c, "dispatcher", case_id, "close")
    assert (
        closing.status_code == 409 and closing.get_json()["error"]["code"] == "invalid_transition"
    )
    act(c, "dispatcher", case_id, "dispatch")
    assert act(c, "dispatcher", case_id, "rectify").status_code == 403
    assert act(c, "unitstaff", case_id, "dispatch").status_code == 403
    assert act(c, "resident", case_id, "rate", score=5).status_code == 404  # not his case


def test_unit_staff_and_residents_see_only_their_own(demo_client):
    c = demo_client
    mine = post_report(c, "resident", phone="13900139000").get_json()
    other = post_report(c, "gridworker", grid=OTHER_GRID)
    other_id = other.get_json()["case"]["id"]
    assert _case(c, "resident", mine["case"]["id"]).status_code == 200
    assert _case(c, "resident", other_id).status_code == 404
    assert _case(c, "gridworker", other_id).status_code == 404  # not his grid
    listed = c.get("/api/v1/cases", headers=auth(c, "resident")).get_json()["items"]
    assert [i["id"] for i in listed] == [mine["case"]["id"]]
    assert c.get("/api/v1/cases", headers=auth(c, "unitstaff")).get_json()["items"] == []
    assert c.get(f"/api/v1/reports/{mine['id']}", headers=auth(c, "volunteer")).status_code == 404
    # the phone number reaches the dispatcher but not the unit
    detail = _case(c, "dispatcher", mine["case"]["id"]).get_json()
    assert detail["reports"][0]["phone"] == "13900139000"
    act(c, "dispatcher", mine["case"]["id"], "file")
    act(c, "dispatcher", mine["case"]["id"], "dispatch")
    seen_by_unit = _case(c, "unitstaff", mine["case"]["id"]).get_json()
    assert "13900139000" not in str(seen_by_unit)


def test_verify_far_from_the_spot_is_refused(demo_client):
    c = demo_client
    case_id = post_report(c, "resident", category=None).get_json()["case"]["id"]
    far = act_on_site(c, "gridworker", case_id, "verify", grid="429901001001025")
    assert far.status_code == 422 and far.get_json()["error"]["code"] == "not_on_site"
    no_position = c.post(f"/api/v1/cases/{case_id}/verify", json={}, headers=auth(c, "gridworker"))
    assert no_position.status_code == 422
    assert no_position.get_json()["error"]["code"] == "position_required"


def test_unknown_action_is_404(demo_client):
    case_id = post_report(demo_client, "gridworker").get_json()["case"]["id"]
    response = act(demo_client, "dispatcher", case_id, "teleport")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_case_positions_in_the_web_map_system_when_asked(demo_client):
    from inspector.grid.coords import from_wgs84

    body = post_report(demo_client, "gridworker").get_json()
    case_id = body["case"]["id"]
    wgs = _case(demo_client, "dispatcher", case_id).get_json()
    gcj = _case(demo_client, "dispatcher", case_id, coord_sys="gcj02").get_json()
    assert (gcj["lat"], gcj["lon"]) == from_wgs84(wgs["lat"], wgs["lon"], "gcj02")
    assert abs(gcj["lon"] - wgs["lon"]) > 0.003  # the GCJ-02 offset is hundreds of metres here
    bad = _case(demo_client, "dispatcher", case_id, coord_sys="mars")
    assert bad.status_code == 422


def test_case_carries_a_readable_address(demo_client):
    case_id = post_report(demo_client, "gridworker").get_json()["case"]["id"]
    address = _case(demo_client, "dispatcher", case_id).get_json()["address"]
    assert "西城区" in address and "鼓楼社区" in address and "07号网格" in address
