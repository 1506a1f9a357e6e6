"""The SLA job on real databases: due times from settings, warnings, 督办 and 挂牌督办."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspector import create_app
from inspector.extensions import db
from inspector.sla.jobs import tick
from inspector.sla.models import Notification
from inspector.sla.service import (
    due_time,
    raise_escalation,
    set_due,
)
from inspector.workflow.audit import verify_all
from inspector.workflow.models import Case
from inspector.workflow.queries import overdue_clause

from .sla_cases import cn, dispatched_case, events


def test_due_time_follows_the_office_hours_setting(app_factory):
    default, custom = app_factory(), app_factory(OFFICE_HOURS="09:00-17:00")
    with default.app_context():
        assert due_time(cn("2025-09-30T16:30"), 2, "work_hours") == cn("2025-10-09T09:30")
        assert due_time(cn("2025-11-14T17:30"), 2, "work_hours") == cn("2025-11-17T10:30")
    with custom.app_context():
        assert due_time(cn("2025-09-30T16:30"), 2, "work_hours") == cn("2025-10-09T10:30")


def test_a_bad_office_hours_setting_stops_the_app(tmp_path):
    with pytest.raises(ValueError, match="office hours"):
        create_app({"OFFICE_HOURS": "8:30 to 12", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    with pytest.raises(ValueError, match="SLA_WARN_FRACTION"):
        create_app({"SLA_WARN_FRACTION": 1.5, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_overdue_only_while_the_unit_clock_runs(demo_app):
    with demo_app.app_context():
        ids = {
            status: dispatched_case("zfj", cn("2025-11-12T09:00"), status=status)
            for status in ("dispatched", "rectified", "returned", "closed")
        }
        late = cn("2025-11-12T11:01")
        for status, case_id in ids.items():
            assert db.session.get(Case, case_id).is_overdue(late) == (status == "dispatched")
            assert not db.session.get(Case, case_id).is_overdue(cn("2025-11-12T10:59"))
        listed = db.session.scalars(select(Case.id).where(overdue_clause(late))).all()
        assert listed == [ids["dispatched"]]


def test_warns_once_when_little_work_time_is_left(demo_app):
    with demo_app.app_context():
        case_id = dispatched_case("zfj", cn("2025-11-12T09:00"), 2)  # due 11:00
        # 1 h of 2 left: not below 25 % (30 min) nor below the 1-hour floor.
        assert tick(cn("2025-11-12T10:00"))["warned"] == 0
        assert tick(cn("2025-11-12T10:31"))["warned"] == 1
        assert tick(cn("2025-11-12T10:45"))["warned"] == 0
        case = db.session.get(Case, case_id)
        assert case.warned_at == cn("2025-11-12T10:31")
        (warn,) = events(case_id, "warn")
        assert warn.actor_id is None and warn.data["remaining_work_hours"] == 0.48
        (note,) = db.session.scalars(select(Notification)).all()
        assert (note.kind, note.recipient, note.unit_id) == ("warn", "unit", case.unit_id)
        assert "2025-11-12 11:00" in note.message and "0 小时 29 分" in note.message


def test_long_limits_warn_at_a_quarter_across_a_holiday(demo_app):
    with demo_app.app_context():
        # 5 工作日 from 09-30 09:00 is due 10-14 09:00; a quarter is 9.375 work hours.
        case_id = dispatched_case("zfj", cn("2025-09-30T09:00"), 5, "work_days")
        # Sat 10-11 is a make-up working day: its 1.5 h count (without them 8 h would be left).
        assert tick(cn("2025-10-11T16:00"))["warned"] == 0  # 1.5 + 7.5 + 0.5 = 9.5 h left
        assert tick(cn("2025-10-11T16:30"))["warned"] == 1  # 9 h left
        assert db.session.get(Case, case_id).warned_at is not None


def test_escalates_once_per_due_period_then_publicly(demo_app):
    with demo_app.app_context():
        case_id = dispatched_case("zfj", cn("2025-09-30T16:30"), 2)  # due 10-09 09:30
        assert tick(cn("2025-10-05T10:00"))["escalated"] == 0  # holiday: clock stopped
        summary = tick(cn("2025-10-09T09:31"))
        assert (summary["escalated"], summary["supervised"], summary["warned"]) == (1, 1, 0)
        assert tick(cn("2025-10-09T15:00"))["escalated"] == 0  # same due period
        case = db.session.get(Case, case_id)
        assert (case.overdue_count, case.escalation_level) == (1, 1)
        assert case.escalated_due_at == case.due_at
        (first,) = events(case_id, "escalate")
        assert first.data["level_name"] == "督办" and first.data["notify"] is None

        # Extension approved: a new due period (4 work hours from the old due time).
        set_due(case, case.due_at, 4, "work_hours")
        db.session.commit()
        assert case.due_at == cn("2025-10-09T15:00")
        assert tick(cn("2025-10-09T14:00"))["warned"] == 1  # the new period warns again
        summary = tick(cn("2025-10-09T15:01"))
        assert (summary["escalated"], summary["publicly_supervised"]) == (1, 1)
        case = db.session.get(Case, case_id)
        assert (case.overdue_count, case.escalation_level) == (2, 2)
        second = events(case_id, "escalate")[-1]
        assert second.data["level_name"] == "挂牌督办"
        assert (second.data["notify"], second.data["unit_name"]) == ("张建国", "综合执法局")
        heads = db.session.scalars(
            select(Notification).where(Notification.recipient == "unit_head")
        ).all()
        assert [n.recipient_name for n in heads] == ["张建国"]
        # System events keep the chain intact (these cases were made without workflow events,
        # so their rows are not what a timeline would say: only chain and anchor count here).
        assert [p for p in verify_all() if p.kind in ("chain", "anchor")] == []


def test_a_supervisor_escalation_then_overdue_is_publicly_supervised(demo_app):
    with demo_app.app_context():
        case_id = dispatched_case("zfj", cn("2025-11-12T09:00"), 2)
        assert raise_escalation(db.session.get(Case, case_id), None, cn("2025-11-12T09:30")) == 1
        db.session.commit()
        assert tick(cn("2025-11-12T11:30"))["publicly_supervised"] == 1
        case = db.session.get(Case, case_id)
        assert (case.overdue_count, case.escalation_level) == (1, 2)


def test_rectified_or_returned_cases_are_left_alone(demo_app):
    with demo_app.app_context():
        for status in ("rectified", "returned", "closed"):
            dispatched_case("zfj", cn("2025-11-12T09:00"), status=status)
        assert tick(cn("2025-11-20T09:00"))["checked"] == 0


def test_tick_command_prints_a_summary(demo_app):
    with demo_app.app_context():
        dispatched_case("zfj", cn("2025-11-12T09:00"), 2)
        dispatched_case("zfj", cn("2025-11-12T09:00"), 3)  # due 12:00
    runner = demo_app.test_cli_runner()
    result = runner.invoke(args=["tick", "--now", "2025-11-12T11:30"])
    assert result.exit_code == 0, result.output
    assert "督办 1 件" in result.output and "预警 1 件" in result.output
    again = runner.invoke(args=["tick", "--now", "2025-11-12T11:31"])
    assert "督办 0 件" in again.output and "预警 0 件" in again.output
    bad = runner.invoke(args=["tick", "--now", "yesterday"])
    assert bad.exit_code == 2 and "--now" in bad.output


def test_a_supervisor_may_escalate_before_dispatch_without_notices(demo_app):
    with demo_app.app_context():
        case_id = dispatched_case("zfj", cn("2025-11-12T09:00"), 2, status="filed")
        case = db.session.get(Case, case_id)
        case.unit_id, case.due_at = None, None
        db.session.commit()
        assert raise_escalation(case, None, cn("2025-11-12T09:30"), note="群众反映强烈") == 1
        db.session.commit()
        (event,) = events(case_id, "escalate")
        assert (event.note, event.data["notify"], event.from_status) == (
            "群众反映强烈",
            None,
            "filed",
        )
        assert db.session.scalars(select(Notification)).all() == []


def test_tick_forgets_idempotency_answers_after_two_days(demo_app):
    from datetime import timedelta

    from inspector.access.models import IdempotencyRecord
    from inspector.sla.jobs import tick as run_tick
    from inspector.timeutil import utcnow

    now = utcnow()
    with demo_app.app_context():
        for key, age in (("old-key-0123456789", 49), ("new-key-0123456789", 1)):
            db.session.add(
                IdempotencyRecord(
                    scope="t", key=key, request_hash="0" * 64, created_at=now - timedelta(hours=age)
                )
            )
        db.session.commit()
        assert run_tick(now)["idempotency_purged"] == 1
        assert db.session.scalars(select(IdempotencyRecord.key)).all() == ["new-key-0123456789"]
