"""When to warn and how far an escalation goes (督办 -> 挂牌督办)."""

from __future__ import annotations

from datetime import timedelta

from inspector.sla.rules import LEVEL_NAMES, next_level, should_warn

H = timedelta(hours=1)


def test_each_escalation_raises_one_level_up_to_publicly_supervised():
    assert LEVEL_NAMES[next_level(0, 1)] == "督办"  # first overdue
    assert LEVEL_NAMES[next_level(1, 1)] == "挂牌督办"  # escalated twice
    assert LEVEL_NAMES[next_level(0, 2)] == "挂牌督办"  # overdue twice
    assert next_level(2, 3) == 2  # capped
    assert next_level(0, 0) == 1  # a supervisor's escalation of a case never overdue


def test_warn_below_the_fraction_or_the_floor_but_not_when_overdue():
    assert should_warn(0.9 * H, 2 * H, 0.25, H)  # floor
    assert not should_warn(H, 2 * H, 0.25, H)
    assert should_warn(9 * H, 37.5 * H, 0.25, H)  # a quarter of 5 工作日
    assert not should_warn(10 * H, 37.5 * H, 0.25, H)
    assert should_warn(0.5 * H, None, 0.25, H)  # unknown allowance: floor only
    assert not should_warn(timedelta(0), 2 * H, 0.25, H)
    assert not should_warn(-H, 2 * H, 0.25, H)
