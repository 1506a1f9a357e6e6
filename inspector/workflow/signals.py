"""What the workflow announces, for the parts that react to it (blinker, as Flask and indico do).

The workflow sits below the SLA: it does not know how due times are counted or who is told of a
督办. It announces that a due period starts (dispatch, rework, reopen, approved extension) or
that a supervisor asks for 督办, and the SLA (sla/service.py) connects to these signals. The
receiver's answer is the data the workflow writes into the timeline event. After each action
it announces the event it wrote (`case_acted`), which the rewards (有奖举报) react to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from blinker import NamedSignal, Namespace

from .models import Case

_signals = Namespace()

#: sender: the case; kwargs: start, value, unit (work_hours|work_days). The receiver stores
#: `due_at` (and whatever belongs to a new due period) and answers nothing.
due_period_started = _signals.signal("due-period-started")

#: sender: the case; kwargs: now. The receiver raises the 督办 level, notifies, and answers the
#: `escalate` event's data.
escalation_requested = _signals.signal("escalation-requested")

#: sender: the case; kwargs: event (the CaseEvent just written), actor. Sent by `perform` after
#: every case action, inside the request's transaction: receivers (rewards/service.py) add
#: their rows to the same unit of work, so they commit or roll back with the action itself.
#: Any number of receivers; their answers are ignored.
case_acted = _signals.signal("case-acted")


def _sole_answer(signal: NamedSignal, case: Case, **kwargs: Any) -> Any:  # noqa: ANN401
    """Send and return the one receiver's answer; no receiver is a wiring error, not a silence."""
    answers = signal.send(case, **kwargs)
    if len(answers) != 1:
        raise RuntimeError(f"{signal.name}: expected one receiver, found {len(answers)}")
    return answers[0][1]


def start_due_period(case: Case, start: datetime, value: int, unit: str) -> dict[str, Any]:
    """Ask the SLA for a new due time from `start`; returns the event fields naming it."""
    _sole_answer(due_period_started, case, start=start, value=value, unit=unit)
    return case.due_data()


def request_escalation(case: Case, now: datetime) -> dict[str, Any]:
    """Ask the SLA for one 督办 step; returns the `escalate` event's data."""
    return _sole_answer(escalation_requested, case, now=now)
