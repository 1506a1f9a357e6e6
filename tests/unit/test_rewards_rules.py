"""The reward rules, pure: settings, the cap, the place, China days and months, the board's
ranks with ties, the ledger's sentences, and the masks of names and phones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inspector.access.privacy import mask_name, mask_phone
from inspector.rewards.rules import (
    RewardConfigError,
    RewardSettings,
    Standing,
    china_day,
    china_month,
    earns,
    ranked,
    reason,
    same_place,
    under_cap,
)


def test_points_flat_per_family_and_per_category():
    flat = RewardSettings.parse("10", 5, 200, 50)
    assert flat.points_for("event", "0301") == 10 and flat.points_for("component", "0601") == 10
    mixed = RewardSettings.parse("default=8,component=15,0601=20", 3, 100, 30)
    assert mixed.points_for("event", "0301") == 8
    assert mixed.points_for("component", "0603") == 15
    assert mixed.points_for("component", "0601") == 20  # the code beats its family
    assert (mixed.first_bonus, mixed.monthly_cap, mixed.radius_m) == (3, 100, 30.0)
    for bad in ("ten", "event=", "event=-1"):
        with pytest.raises(RewardConfigError):
            RewardSettings.parse(bad, 5, 200, 50)
    with pytest.raises(RewardConfigError):
        RewardSettings.parse("10", -1, 200, 50)


def test_cap_grants_in_order_trims_the_line_that_crosses_and_denies_the_rest():
    wanted = [("filed", 10), ("first_reporter_bonus", 5)]
    assert under_cap(wanted, 0, 200) == ([("filed", 10, 10), ("first_reporter_bonus", 5, 5)], 0)
    assert under_cap(wanted, 190, 200) == ([("filed", 10, 10)], 5)
    assert under_cap(wanted, 195, 200) == ([("filed", 5, 10)], 10)
    assert under_cap(wanted, 200, 200) == ([], 15)
    assert under_cap(wanted, 230, 200) == ([], 15)  # over already (cap lowered): nothing more


def test_only_residents_and_volunteers_earn():
    assert [
        r
        for r in (
            "resident",
            "volunteer",
            "grid_worker",
            "dispatcher",
            "unit_staff",
            "supervisor",
            "admin",
            None,
        )
        if earns(r)
    ] == ["resident", "volunteer"]


def test_place_is_a_radius_and_days_and_months_are_china_time():
    here = (30.64, 113.13)
    assert same_place(here, (30.64 + 45 / 111_320, 113.13), 50)  # 45 m north
    assert not same_place(here, (30.64 + 60 / 111_320, 113.13), 50)  # 60 m north
    late = datetime(2026, 11, 30, 16, 5, tzinfo=UTC)  # 2026-12-01 00:05 in China
    assert str(china_day(late)) == "2026-12-01" and china_month(late) == "2026-12"
    assert china_month(datetime(2026, 11, 30, 15, 55, tzinfo=UTC)) == "2026-11"


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 2, tzinfo=UTC)


def test_board_shares_ranks_on_ties_first_to_reach_first_and_leaves_out_zero():
    rows = [
        Standing(4, 15, 1, _at(6)),
        Standing(1, 30, 2, _at(9)),
        Standing(7, 15, 1, _at(5)),
        Standing(3, 0, 1, _at(2)),  # paid and taken back
        Standing(5, 10, 1, _at(1)),
        Standing(2, 15, 1, _at(5)),  # same points, same moment as 7: account id decides
    ]
    assert [(rank, row.account_id) for rank, row in ranked(rows)] == [
        (1, 1),
        (2, 2),
        (2, 7),
        (2, 4),
        (5, 5),
    ]


def test_sentences_of_the_ledger():
    assert reason("filed", {"number": "N1", "points": 10}) == "举报已立案(案件 N1),奖励 10 分"
    trimmed = reason("filed", {"number": "N1", "points": 5, "trimmed_from": 10, "cap": 200})
    assert trimmed == "举报已立案(案件 N1),奖励 5 分(本月上限 200 分,原应得 10 分)"
    assert reason("reversed_void", {"number": "N2", "points": -15}) == (
        "案件 N2 已作废,收回奖励 15 分"
    )
    assert reason("denied_rejected", {"number": "N3"}) == "举报未予立案(案件 N3):无说明,不计分"


def test_masks():
    assert mask_name("张三丰") == "张**" and mask_name("李") == "李*" and mask_name(None) == "匿名"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("139-0000-1111") == "139****1111"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("12345") == "***45"
    assert mask_phone("") is None and mask_phone(None) is None
