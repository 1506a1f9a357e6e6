"""Event facts (case_event_fact, revision 0017): written with every timeline event, and what
the unit event figures read. The weeks of test_supervision_flag (hand-worked there).
"""

from __future__ import annotations

from sqlalchemy import select, true, update

from inspector.extensions import db
from inspector.reports.models import Report
from inspector.supervision.indicators import unit_items, weights, window
from inspector.supervision.periods import week
from inspector.workflow.models import CaseEvent, CaseEventFact

from .supervision_cases import cn
from .test_supervision_flag import weeks_app_fixture  # noqa: F401 - the `weeks_app` fixture


def test_each_event_gets_its_fact(weeks_app):
    """w45jjdd: reported, dispatched to jjdd, rectified by jjdd, checked (passed) by the grid
    worker: one fact per event, same time and action, the unit and verdict the event names."""
    with weeks_app.app_context():
        case_id = db.session.scalar(select(Report.case_id).where(Report.client_id == "sv-w45jjdd"))
        rows = db.session.execute(
            select(CaseEvent.seq, CaseEvent.at, CaseEventFact)
            .join(CaseEventFact, CaseEventFact.event_id == CaseEvent.id)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.seq)
        ).all()
        facts = [(seq, f.action, f.unit_code, f.passed) for seq, _at, f in rows]
        assert facts == [
            (1, "report", None, None),
            (2, "dispatch", "jjdd", None),
            (3, "rectify", "jjdd", None),
            (4, "check", "jjdd", True),
        ]
        assert all(f.at == at and f.case_id == case_id for _seq, at, f in rows)
        assert rows[2][1] == cn("2026-11-03T14:00")
        events = db.session.scalar(select(db.func.count()).select_from(CaseEvent))
        assert db.session.scalar(select(db.func.count()).select_from(CaseEventFact)) == events


def test_events_naming_no_unit_are_charged_to_the_cases_unit(weeks_app):
    """Rectifications recorded before events carried a unit code (made so here by clearing
    their facts' code) still count for the case's unit. W46 rectified, by hand: hwc 2 (w45hwc on
    Mon 11-09, w46hwc on Fri 11-13), jjdd 1 (w46jjdd on 11-09), zfj 0 (never rectified)."""
    with weeks_app.app_context():
        w = window(week("2026-W46"), cn("2026-11-25T09:00"))

        def rectified() -> dict[str, int]:
            items = unit_items(w, true(), weights())
            return {i["unit_code"]: i["rectified"] for i in items if i["rectified"]}

        assert rectified() == {"hwc": 2, "jjdd": 1}
        db.session.execute(
            update(CaseEventFact).where(CaseEventFact.action == "rectify").values(unit_code=None)
        )
        assert rectified() == {"hwc": 2, "jjdd": 1}
        db.session.rollback()
