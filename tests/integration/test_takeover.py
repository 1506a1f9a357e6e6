"""逾期上交下一级: the tick passes a long-overdue case to its subdistrict's office (街道办).

Office hours are 08:30-12:00 and 13:30-17:30; 2025-11-12 is a Wednesday with no holiday near.
The demo grid 429901001001007 lies in subdistrict 429901001 (解放街道), whose unit is
jd-429901001; category 0101 (占道经营) has a limit of 2 working hours.
"""

from __future__ import annotations

import io

from click.testing import CliRunner

from inspector.access.service import create_account
from inspector.cli import audit_cli
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.findings.models import FindingBatch
from inspector.sla.jobs import tick
from inspector.sla.service import raise_escalation, set_due
from inspector.sla.takeover import take_over
from inspector.timeutil import iso_local
from inspector.workflow.models import Case

from ..factories import make_case
from ..helpers import auth
from .flows import GRID
from .races import race_two_hosts
from .sla_cases import cn, events

SUBDISTRICT_UNIT = "jd-429901001"
CATEGORY_0101 = {
    "code": "0101",
    "name": "占道经营",
    "family": "event",
    "time_limit": {"value": 2, "unit": "work_hours"},
    "default_unit_code": "zfj",
}


def _overdue_case(at: str, batch_id: int | None = None) -> int:
    """A 占道经营 case in GRID dispatched to 综合执法局 at `at` (due 2 working hours later)."""
    start = cn(at)
    case = make_case(
        status="dispatched",
        source="patrol",
        grid_code=GRID,
        unit_code="zfj",
        category_code="0101",
        dispatched_at=start,
        batch_id=batch_id,
    )
    set_due(case, start, 2, "work_hours")
    db.session.commit()
    return case.id


def test_hours_past_due_pass_the_case_to_the_subdistrict(demo_app):
    client = demo_app.test_client()
    setting = client.post(
        "/api/v1/categories",
        json={**CATEGORY_0101, "takeover_after_hours": 24},
        headers=auth(client, "admin"),
    )
    assert setting.status_code == 201, setting.get_json()
    assert setting.get_json()["takeover_after_hours"] == 24
    assert setting.get_json()["takeover_after_escalations"] is None

    with demo_app.app_context():
        case_id = _overdue_case("2025-11-12T09:00")  # due 11:00
        # 23 h 59 min past due: escalated (督办), not yet passed on.
        first = tick(cn("2025-11-13T10:59"))
        assert (first["escalated"], first["taken_over"]) == (1, 0)
        assert db.session.get(Case, case_id).unit.code == "zfj"
        # 24 h past due: passed to 解放街道办事处, 2 working hours from Thursday 11:00:
        # 11:00-12:00 (1 h), then 13:30-14:30 (1 h) -> due 14:30.
        second = tick(cn("2025-11-13T11:00"))
        assert second["taken_over"] == 1 and second["escalated"] == 0
        case = db.session.get(Case, case_id)
        assert case.unit.code == SUBDISTRICT_UNIT and case.status == "dispatched"
        assert iso_local(case.due_at) == "2025-11-13T14:30:00+08:00"
        (event,) = events(case_id, "takeover")
        assert event.note.startswith(
            "逾期未整改,按规定由所在街道接手:综合执法局超过处置时限 24 小时"
        )
        assert event.actor_id is None and (event.from_status, event.to_status) == (
            "dispatched",
            "dispatched",
        )
        assert event.data["from_unit_code"] == "zfj" and event.data["unit_code"] == SUBDISTRICT_UNIT
        assert (event.data["trigger"], event.data["hours_overdue"]) == ("hours", 24.0)
        assert event.data["setting"] == "category"
        # Idempotent: the office holds it; later ticks never pass it again.
        assert tick(cn("2025-11-13T11:05"))["taken_over"] == 0
        assert tick(cn("2025-11-20T09:00"))["taken_over"] == 0  # overdue again: 督办 only
        assert len(events(case_id, "takeover")) == 1

    # Both units are told: the office its deadline, 综合执法局 why the case left it.
    with demo_app.app_context():
        create_account("jdstaff", "Jd@2026-staff", "unit_staff", SUBDISTRICT_UNIT, [], "街道队员")
        db.session.commit()
    number = client.get(f"/api/v1/cases/{case_id}", headers=auth(client, "admin")).get_json()[
        "number"
    ]
    office_notices = client.get(
        "/api/v1/notifications?kind=takeover",
        headers=auth(client, "jdstaff", "Jd@2026-staff"),
    ).get_json()["items"]
    assert [(n["case"]["number"], n["unit_code"]) for n in office_notices] == [
        (number, SUBDISTRICT_UNIT)
    ]
    assert office_notices[0]["message"].startswith(
        f"接手整改:案件 {number} 在综合执法局逾期未整改,已转由解放街道的"
    )
    assert "请于 2025-11-13 14:30 前处置" in office_notices[0]["message"]
    old_notices = client.get(
        "/api/v1/notifications?kind=takeover", headers=auth(client, "unitstaff")
    ).get_json()["items"]
    assert [(n["case"]["number"], n["unit_code"]) for n in old_notices] == [(number, "zfj")]
    assert "计入本单位被接手案件" in old_notices[0]["message"]

    # Both units' indicators count it (the week of 2025-11-10), and nobody else's.
    stats = client.get(
        "/api/v1/stats/units?from=2025-11-10&to=2025-11-16", headers=auth(client, "supervisor")
    )
    items = {i["unit_code"]: i for i in stats.get_json()["items"]}
    assert (items["zfj"]["taken_over_from_us"], items["zfj"]["took_over"]) == (1, 0)
    office = items[SUBDISTRICT_UNIT]
    assert (office["took_over"], office["taken_over_from_us"]) == (1, 0)
    assert (items["jjdd"]["took_over"], items["jjdd"]["taken_over_from_us"]) == (0, 0)
    with demo_app.app_context():
        result = CliRunner().invoke(audit_cli, ["verify"], obj=None, standalone_mode=False)
        assert result.exception is None, result.output


def test_a_batch_setting_counts_escalations_and_wins_over_the_category(demo_app):
    client = demo_app.test_client()
    # The category would wait 1000 hours; the batch says: after 2 督办.
    assert (
        client.post(
            "/api/v1/categories",
            json={**CATEGORY_0101, "takeover_after_hours": 1000},
            headers=auth(client, "admin"),
        ).status_code
        == 201
    )
    with demo_app.app_context():
        batch = FindingBatch(
            name="省级暗访", source="province_covert", takeover_after_escalations=2
        )
        db.session.add(batch)
        db.session.commit()
        case_id = _overdue_case("2025-11-12T09:00", batch.id)  # due 11:00
        # 11:01: the job's 督办 (1 of 2).
        assert (tick(cn("2025-11-12T11:01"))["escalated"], 0) == (1, 0)
        assert db.session.get(Case, case_id).unit.code == "zfj"
        # A supervisor's 督办 at 11:10 (2 of 2): the next tick passes it on.
        raise_escalation(db.session.get(Case, case_id), None, cn("2025-11-12T11:10"))
        db.session.commit()
        assert tick(cn("2025-11-12T11:30"))["taken_over"] == 1
        case = db.session.get(Case, case_id)
        # 2 working hours from 11:30: 11:30-12:00, then 13:30-15:00 -> 15:00.
        assert case.unit.code == SUBDISTRICT_UNIT
        assert iso_local(case.due_at) == "2025-11-12T15:00:00+08:00"
        (event,) = events(case_id, "takeover")
        assert "综合执法局已督办 2 次仍未整改" in event.note
        assert (event.data["trigger"], event.data["escalations"]) == ("escalations", 2)
        assert (event.data["setting"], event.data["after_escalations"]) == ("batch", 2)
        # The office's own 督办 at 15:01 does not pass it again (it is the next tier).
        after = tick(cn("2025-11-12T15:01"))
        assert (after["escalated"], after["taken_over"]) == (1, 0)


def test_batch_import_takes_the_settings(demo_app):
    client = demo_app.test_client()
    table = "序号,问题描述,地址,问题类别\n1,占道,西城区鼓楼社区07号网格,0101\n".encode()
    answer = client.post(
        "/api/v1/findings/batches",
        data={
            "name": "市领导督查",
            "source": "leader",
            "takeover_after_escalations": "3",
            "takeover_after_hours": "48",
            "file": (io.BytesIO(table), "list.csv"),
        },
        headers=auth(client, "supervisor"),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_json()
    bad = client.post(
        "/api/v1/findings/batches",
        data={
            "name": "x",
            "source": "leader",
            "takeover_after_hours": "0",
            "file": (io.BytesIO(table), "list.csv"),
        },
        headers=auth(client, "supervisor"),
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    with demo_app.app_context():
        batch = db.session.get(FindingBatch, answer.get_json()["batch_id"])
        assert (batch.takeover_after_escalations, batch.takeover_after_hours) == (3, 48)


def test_the_second_of_two_racing_takeovers_writes_nothing(demo_app):
    """A has passed the case on but not committed when B reads it: B's claim loses."""
    client = demo_app.test_client()
    client.post(
        "/api/v1/categories",
        json={**CATEGORY_0101, "takeover_after_hours": 1},
        headers=auth(client, "admin"),
    )
    with demo_app.app_context():
        case_id = _overdue_case("2025-11-12T09:00")  # due 11:00, passes on from 12:00
    now = cn("2025-11-12T13:00")
    results = race_two_hosts(
        demo_app,
        case_id,
        lambda case: take_over(case, now),
        saw_old_row=lambda case: case.unit.code == "zfj",
        lost=(ApiError,),
        loss=lambda exc: exc.code,
    )
    assert results == {"a": True, "b_saw_old_row": True, "b": "conflict"}
    with demo_app.app_context():
        assert len(events(case_id, "takeover")) == 1
        assert db.session.get(Case, case_id).unit.code == SUBDISTRICT_UNIT
