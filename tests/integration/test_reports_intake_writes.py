"""Intake writes each row once (load work, issue 14): the new case with its duplicate link and
filed time, the photo rows with their report and event, a fresh timeline anchor; no UPDATE
follows an INSERT in the same request, and the timeline still verifies."""

from __future__ import annotations

from sqlalchemy import event, select

from inspector.extensions import db
from inspector.models import Case, CaseEvent, Photo, Report
from inspector.workflow.audit import verify_all

from .flows import post_report


def test_a_patrol_report_near_an_open_case_is_written_without_updates(demo_client, demo_app):
    c = demo_client
    first = post_report(c, "gridworker")  # the same spot and category (0101), filed at once
    assert first.status_code == 201, first.get_json()
    first_case = first.get_json()["case"]["id"]
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ARG001
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        second = post_report(c, "gridworker")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert second.status_code == 201, second.get_json()
    body = second.get_json()
    assert "UPDATE" not in statements, statements
    # case_counter (an upsert), case, case_anchor, report, case_event, its case_event_fact
    # (the statistics columns, revision 0017), photo
    assert statements.count("INSERT") == 7, statements
    assert [w["code"] for w in body["warnings"]] == ["possible_duplicate"]
    with demo_app.app_context():
        case = db.session.get(Case, body["case"]["id"])
        assert case.status == "filed" and case.filed_at is not None
        assert case.duplicate_of_id == first_case
        report = db.session.get(Report, body["id"])
        (photo,) = db.session.scalars(select(Photo).where(Photo.report_id == report.id))
        opening = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id))
        assert photo.event_id == opening.id and opening.seq == 1
        assert verify_all() == []
