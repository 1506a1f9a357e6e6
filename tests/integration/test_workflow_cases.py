"""Duplicates, recurrences, merging, retries, deadlines and the audit chain."""

from __future__ import annotations

import io
from datetime import datetime

from click.testing import CliRunner
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from inspector.access.service import actor_of
from inspector.cli import audit_cli
from inspector.extensions import db
from inspector.models import Account, Case, CaseEvent, Report
from inspector.reports.service import ReportInput, submit_report
from inspector.setup.demo import grid_center
from inspector.timeutil import CHINA
from inspector.workflow.service import ActionInput, perform

from ..helpers import auth
from ..images import jpeg
from .flows import act, act_on_site, new_client_id, post_report


def test_same_problem_nearby_is_proposed_as_duplicate_and_merged(demo_client):
    c = demo_client
    first = post_report(c, "gridworker").get_json()
    second = post_report(c, "resident").get_json()
    warning = next(w for w in second["warnings"] if w["code"] == "possible_duplicate")
    assert warning["case_id"] == first["case"]["id"]
    other_category = post_report(c, "resident", category="0603").get_json()
    assert not [w for w in other_category["warnings"] if w["code"] == "possible_duplicate"]

    merged = act(c, "dispatcher", second["case"]["id"], "merge", into=first["case"]["id"])
    assert merged.status_code == 200 and merged.get_json()["status"] == "merged"
    target = c.get(f"/api/v1/cases/{first['case']['id']}", headers=auth(c, "dispatcher")).get_json()
    assert {r["id"] for r in target["reports"]} == {first["id"], second["id"]}
    assert target["timeline"][-1]["action"] == "merge"
    # the resident now follows the surviving case
    mine = c.get(f"/api/v1/reports/{second['id']}", headers=auth(c, "resident")).get_json()
    assert mine["case"]["id"] == first["case"]["id"]


def test_problem_back_at_a_closed_spot_is_a_recurrence(demo_client):
    c = demo_client
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    act(c, "dispatcher", case_id, "dispatch")
    act_on_site(c, "unitstaff", case_id, "rectify")
    assert (
        act_on_site(c, "gridworker", case_id, "check", passed=True).get_json()["status"] == "closed"
    )
    again = post_report(c, "gridworker").get_json()
    assert [w["case_id"] for w in again["warnings"] if w["code"] == "recurrence"] == [case_id]
    detail = c.get(f"/api/v1/cases/{again['case']['id']}", headers=auth(c, "dispatcher")).get_json()
    assert detail["recurrence_of"] == case_id


def test_retry_with_same_client_id_returns_first_answer(demo_client, demo_app):
    c = demo_client
    client_id = new_client_id()
    first = post_report(c, "resident", client_id=client_id)
    retry = post_report(c, "resident", client_id=client_id)
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.get_json()["id"] == first.get_json()["id"]
    stolen = post_report(c, "volunteer", client_id=client_id)
    assert stolen.status_code == 409
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_anonymous_retry_gets_its_tracking_token_again(demo_client):
    client_id, secret = new_client_id(), "phone-kept-secret-0123456789"
    first = post_report(demo_client, None, client_id=client_id, retry_secret=secret).get_json()
    retry = post_report(demo_client, None, client_id=client_id, retry_secret=secret).get_json()
    assert retry["tracking_token"] == first["tracking_token"]
    tracked = demo_client.get(f"/api/v1/reports/track?token={first['tracking_token']}")
    assert tracked.get_json()["id"] == first["id"]
    assert demo_client.get(f"/api/v1/reports/{first['id']}?token=wrong").status_code == 404


def test_report_outside_city_and_bad_input_are_clear_4xx(demo_client):
    c = demo_client
    headers = auth(c, "resident")
    outside = post_report(c, None, headers=headers, lat="39.9", lon="116.4")
    assert outside.status_code == 422 and outside.get_json()["error"]["code"] == "outside_city"
    for bad in ({"lat": "north"}, {"category_code": "9999"}, {"client_id": "not-a-uuid"}):
        response = post_report(c, None, headers=headers, **bad)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "invalid_input"


def test_deadline_over_national_day_is_counted_in_working_time(demo_app):
    """2 work hours from 16:00 on 2025-09-30: 1.5 h that day, then 0.5 h on 10-09 (after 国庆)."""
    with demo_app.app_context():
        gridworker = actor_of(
            db.session.scalar(select(Account).where(Account.username == "gridworker"))
        )
        dispatcher = actor_of(
            db.session.scalar(select(Account).where(Account.username == "dispatcher"))
        )
        lat, lon = grid_center("429901001001007")
        start = datetime(2025, 9, 30, 16, 0, tzinfo=CHINA)

        files = [
            FileStorage(
                io.BytesIO(jpeg(lat, lon, taken_at=start)), "p.jpg", content_type="image/jpeg"
            )
        ]
        report, _ = submit_report(
            gridworker, ReportInput(lat=lat, lon=lon, category_code="0101"), files, start
        )
        case = perform(report.case, dispatcher, "dispatch", ActionInput(), start)
        assert case.due_at.astimezone(CHINA) == datetime(2025, 10, 9, 9, 0, tzinfo=CHINA)
        db.session.commit()


def test_audit_verify_finds_a_tampered_event(demo_client, demo_app):
    case_id = post_report(demo_client, "gridworker").get_json()["case"]["id"]
    act(demo_client, "dispatcher", case_id, "dispatch")
    with demo_app.app_context():
        assert CliRunner().invoke(audit_cli, ["verify"], standalone_mode=False).exception is None
        _tamper(case_id)
        result = CliRunner().invoke(audit_cli, ["verify"])
        assert result.exit_code != 0
        assert "content does not match" in result.output


def _tamper(case_id: int) -> None:
    """What a DBA with write access could do: bypass the append-only trigger and edit a note."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        db.session.execute(text("SET session_replication_role = replica"))
    else:
        db.session.execute(text("DROP TRIGGER case_event_no_update"))
    event_id = db.session.scalar(
        select(CaseEvent.id).where(CaseEvent.case_id == case_id, CaseEvent.seq == 1)
    )
    db.session.execute(text(f"UPDATE case_event SET note = '已整改(伪造)' WHERE id = {event_id}"))
    db.session.commit()
