"""Every case action takes the case version; a reporter's rating is replaced, never added
(issue 9, item 8). The probe: two parallel `escalate` both succeeded (挂牌督办 and three
notices for the unit head); 20 parallel `rate` made 20 ratings."""

from __future__ import annotations

import contextlib
import re
import threading

import pytest
import requests
from sqlalchemy import event, func, select

from inspector.access.service import actor_of
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.models import Account, Case, CaseEvent, Report
from inspector.sla.models import Notification
from inspector.timeutil import utcnow
from inspector.workflow.service import ActionInput, perform

from ..helpers import auth
from ..live import live_server, run_together
from .flows import act, act_on_site, new_client_id, post_report
from .test_workflow_concurrency import _login


@pytest.fixture
def pg_only(backend):
    if backend.name != "postgresql":
        pytest.skip("row-level races need PostgreSQL; SQLite serialises writers")


def _dispatched(c) -> int:  # noqa: ANN001
    case_id = post_report(c, "gridworker").get_json()["case"]["id"]
    assert act(c, "dispatcher", case_id, "dispatch").status_code == 200
    return case_id


def _closed_anonymous(c) -> tuple[int, int, str]:  # noqa: ANN001
    posted = post_report(c, None, client_id=new_client_id()).get_json()
    case_id = posted["case"]["id"]
    act_on_site(c, "gridworker", case_id, "verify")
    act(c, "dispatcher", case_id, "file")
    act(c, "dispatcher", case_id, "dispatch")
    act_on_site(c, "unitstaff", case_id, "rectify")
    assert act_on_site(c, "gridworker", case_id, "check", passed=True).status_code == 200
    return case_id, posted["id"], posted["tracking_token"]


def _count(model, *where) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_an_action_on_a_stale_case_is_a_conflict_even_when_it_changes_no_column(demo_app):
    """A supervisor's escalate at 挂牌督办 leaves every case column as it was; it must still
    lose against a change committed since the case was read."""
    client = demo_app.test_client()
    case_id = _dispatched(client)
    for _ in range(2):  # 督办, then 挂牌督办: the level is now at its top
        assert act(client, "supervisor", case_id, "escalate").status_code == 200
    with demo_app.app_context():
        supervisor = actor_of(
            db.session.scalar(select(Account).where(Account.username == "supervisor"))
        )
        stale = db.session.get(Case, case_id)
        assert stale.escalation_level == 2
        # Meanwhile another request escalates and commits (its own app context and session).
        with demo_app.app_context():
            assert act(client, "supervisor", case_id, "escalate").status_code == 200
        with pytest.raises(ApiError) as refused:
            perform(stale, supervisor, "escalate", ActionInput(), utcnow())
        assert (refused.value.status, refused.value.code) == (409, "conflict")
        db.session.rollback()
        assert _count(CaseEvent, CaseEvent.case_id == case_id, CaseEvent.action == "escalate") == 3


def test_a_version_the_caller_saw_that_is_stale_is_refused(demo_client):
    c = demo_client
    case_id = _dispatched(c)
    seen = c.get(f"/api/v1/cases/{case_id}", headers=auth(c, "supervisor")).get_json()["version"]
    assert act(c, "supervisor", case_id, "escalate", version=seen).status_code == 200
    again = act(c, "supervisor", case_id, "escalate", version=seen)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert again.get_json()["error"]["version"] > seen  # the current one, to reload with


def test_a_later_rating_replaces_the_first_and_the_timeline_keeps_both(demo_client, demo_app):
    c = demo_client
    case_id, report_id, token = _closed_anonymous(c)
    assert act(c, None, case_id, "rate", headers={}, score=2, token=token).status_code == 200
    second = act(c, None, case_id, "rate", headers={}, score=5, note="回访后满意", token=token)
    assert second.status_code == 200
    with demo_app.app_context():
        report = db.session.get(Report, report_id)
        assert (report.rating, report.rating_note) == (5, "回访后满意")
        rates = db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.action == "rate")
            .order_by(CaseEvent.seq)
        ).all()
        assert [e.data["score"] for e in rates] == [2, 5]
        assert "replaces" not in rates[0].data and rates[1].data["replaces"] == 2


def test_two_parallel_escalations_one_wins(demo_app):
    """At 挂牌督办 another escalate changes no case column; the version claim still counts.
    On SQLite (writers queue for the lock) the probe saw both succeed; on PostgreSQL the
    timeline's (case_id, seq) key already refused the second: both must give one winner."""
    client = demo_app.test_client()
    case_id = _dispatched(client)
    for _ in range(2):  # 督办 (the unit is told), then 挂牌督办 (the unit and its head)
        assert act(client, "supervisor", case_id, "escalate").status_code == 200
    # Both requests must have read the case before either claims it: otherwise, on a fast
    # database, the first may commit before the second reads, and two escalations one after
    # the other both succeed, rightly. Each claim waits here for the other request's.
    both_read = threading.Barrier(2, timeout=10)

    def hold_claim(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ARG001
        if re.match(r'UPDATE "case" SET version=', statement.lstrip()):
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait()

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hold_claim)
    try:
        with live_server(demo_app) as base:
            heads = [_login(base, "supervisor"), _login(base, "admin")]
            results = run_together(
                2,
                lambda i: requests.post(
                    f"{base}/api/v1/cases/{case_id}/escalate", json={}, headers=heads[i], timeout=30
                ),
            )
    finally:
        event.remove(engine, "before_cursor_execute", hold_claim)
    assert not both_read.broken, "the two escalations never met at their claims"
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.text for r in results]
    with demo_app.app_context():
        assert _count(CaseEvent, CaseEvent.case_id == case_id, CaseEvent.action == "escalate") == 3
        # 1 (督办) + 2 (挂牌督办) + 2 (the one parallel winner): the head is told twice, not 3x.
        assert _count(Notification, Notification.case_id == case_id) == 5
        assert _count(Notification, Notification.recipient == "unit_head") == 2


def test_twenty_parallel_ratings_leave_one_rating(pg_only, demo_app):
    client = demo_app.test_client()
    case_id, report_id, token = _closed_anonymous(client)
    with live_server(demo_app) as base:
        results = run_together(
            20,
            lambda i: requests.post(
                f"{base}/api/v1/cases/{case_id}/rate",
                json={"score": 1 + i % 5, "token": token},
                timeout=60,
            ),
        )
    assert all(not isinstance(r, Exception) for r in results), results
    won = [r for r in results if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in results), [r.text for r in results]
    assert 1 <= len(won) < 20
    with demo_app.app_context():
        rates = db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.action == "rate")
            .order_by(CaseEvent.seq)
        ).all()
        assert len(rates) == len(won)
        # Each later rating names the one it replaced: a chain, never two from the same start.
        for before, after in zip(rates, rates[1:], strict=False):
            assert after.data["replaces"] == before.data["score"]
        assert db.session.get(Report, report_id).rating == rates[-1].data["score"]
