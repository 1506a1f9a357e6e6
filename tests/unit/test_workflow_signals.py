"""The workflow's signals have exactly one answer: the SLA's. A missing receiver must fail loudly
(a dispatched case without a due time would otherwise pass unnoticed)."""

from __future__ import annotations

import pytest
from blinker import NamedSignal

import inspector.sla.service as sla
from inspector.workflow.signals import _sole_answer, due_period_started, escalation_requested


def test_the_sla_answers_each_workflow_signal():
    assert [r.__name__ for r in due_period_started.receivers_for(object())] == [
        "_on_due_period_started"
    ]
    assert [r.__name__ for r in escalation_requested.receivers_for(object())] == [
        "_on_escalation_requested"
    ]
    assert sla._on_due_period_started.__module__ == "inspector.sla.service"


def test_no_receiver_or_two_receivers_is_a_wiring_error():
    lonely = NamedSignal("lonely")
    with pytest.raises(RuntimeError, match="expected one receiver, found 0"):
        _sole_answer(lonely, object())

    def first(sender: object) -> int:
        return 1

    def second(sender: object) -> int:
        return 2

    lonely.connect(first)
    assert _sole_answer(lonely, object()) == 1
    lonely.connect(second)
    with pytest.raises(RuntimeError, match="found 2"):
        _sole_answer(lonely, object())
