"""Several hosts run `tick` at once (cron everywhere): each case is warned and escalated once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from inspector.extensions import db
from inspector.sla.jobs import tick
from inspector.sla.models import Notification
from inspector.sla.service import escalate_case
from inspector.workflow.models import Case, CaseEvent

from .races import race_two_hosts, run_threads
from .sla_cases import cn, dispatched_case, events

NOW = cn("2025-11-12T11:30")


def test_the_second_of_two_racing_escalations_writes_nothing(demo_app):
    """A has changed the case but not committed when B reads it: B must lose, not double."""
    with demo_app.app_context():
        case_id = dispatched_case("zfj", cn("2025-11-12T09:00"), 2)  # due 11:00
    results = race_two_hosts(
        demo_app,
        case_id,
        lambda case: escalate_case(case, NOW),
        saw_old_row=lambda case: case.escalated_due_at is None,
        lost=(StaleDataError,),
        loss=lambda _exc: "stale",
    )
    assert results["a"] == 1
    assert results["b_saw_old_row"] is True
    assert results["b"] == "stale"
    with demo_app.app_context():
        assert len(events(case_id, "escalate")) == 1
        case = db.session.get(Case, case_id)
        assert (case.overdue_count, case.escalation_level) == (1, 1)


def test_concurrent_ticks_warn_and_escalate_each_case_exactly_once(demo_app):
    with demo_app.app_context():
        overdue = [dispatched_case("zfj", cn("2025-11-12T09:00"), 2) for _ in range(12)]
        near = [dispatched_case("zfj", cn("2025-11-12T09:00"), 3) for _ in range(12)]
    start = threading.Barrier(3)
    summaries: list[dict] = []

    def host() -> None:
        with demo_app.app_context():
            start.wait(10)
            summaries.append(tick(NOW))

    run_threads(host, host, host)
    assert sum(s["escalated"] for s in summaries) == len(overdue)
    assert sum(s["warned"] for s in summaries) == len(near)
    with demo_app.app_context():
        per_case = dict(
            db.session.execute(
                select(CaseEvent.case_id, func.count())
                .where(CaseEvent.action.in_(("warn", "escalate")))
                .group_by(CaseEvent.case_id)
            ).all()
        )
        assert per_case == {case_id: 1 for case_id in overdue + near}
        notices = db.session.scalar(select(func.count()).select_from(Notification))
        assert notices == len(overdue) + len(near)
        assert all(db.session.get(Case, i).overdue_count == 1 for i in overdue)
