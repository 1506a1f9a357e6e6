"""Pure SLA rules: when to warn, and how high an escalation goes (督办 -> 挂牌督办)."""

from __future__ import annotations

from datetime import timedelta

SUPERVISED = 1  # 督办
PUBLICLY_SUPERVISED = 2  # 挂牌督办: the unit's head is told
LEVEL_NAMES = {SUPERVISED: "督办", PUBLICLY_SUPERVISED: "挂牌督办"}
LEVEL_NAMES_EN = {SUPERVISED: "supervised", PUBLICLY_SUPERVISED: "publicly supervised"}


def next_level(escalation_level: int, overdue_count: int) -> int:
    """The level after one more escalation.

    Each escalation (the SLA job's for an overdue due period, or a supervisor's by hand) raises
    the level by one, capped at 挂牌督办; a case overdue twice is 挂牌督办 whatever happened
    before ("督办整改两次以上未落实的" goes to the unit's head). `overdue_count` is the count
    including the period being escalated now.
    """
    level = min(escalation_level + 1, PUBLICLY_SUPERVISED)
    return PUBLICLY_SUPERVISED if overdue_count >= 2 else level


def should_warn(
    remaining: timedelta, allowed: timedelta | None, fraction: float, floor: timedelta
) -> bool:
    """Warn once less than `fraction` of the allowed working time, or less than `floor`, is left.

    `allowed` is the working time from dispatch to due (None when unknown: only the floor counts).
    Nothing is left (overdue) is not a warning but an escalation.
    """
    if remaining <= timedelta(0):
        return False
    threshold = floor
    if allowed is not None:
        threshold = max(threshold, allowed * fraction)
    return remaining < threshold
