"""The pure parts of supervision: periods, rates, score, ranks with ties, the yellow flag."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.access.privacy import mask_name
from inspector.supervision import periods
from inspector.supervision.formulas import Weights, rank, rate, score
from inspector.supervision.rankings import flag_transfers, red_black

DEFAULT = Weights.parse("on_time_rate=50,closing_rate=30,rework_rate=20,escalated=1")


def test_rate_with_zero_denominator_is_none():
    assert rate(0, 0) is None and rate(0, 4) == 0 and rate(3, 4) == 0.75


def test_score_weighted_mean_less_penalties():
    rates = {"on_time_rate": 0.8, "closing_rate": 0.9, "rework_rate": 0.25}
    # 50 × 0.8 + 30 × 0.9 + 20 × 0.75 = 40 + 27 + 15 = 82, minus 2 督办 = 80
    assert score(rates, {"escalated": 2}, DEFAULT) == 80.0
    # no rectification: the rework weight drops out, the rest is scaled to 100:
    # (50 × 0.8 + 30 × 0.9) / 80 × 100 = 67 / 80 × 100 = 83.75
    assert score({**rates, "rework_rate": None}, {}, DEFAULT) == 83.75
    assert score(dict.fromkeys(rates), {}, DEFAULT) is None
    assert score({"on_time_rate": 0.0, "closing_rate": 0.0}, {"escalated": 9}, DEFAULT) == 0.0


@pytest.mark.parametrize(
    "text", ["on_time_rate=abc", "speed=3", "closing_rate", "escalated=1", "rework_rate=-1"]
)
def test_bad_weights_are_refused(text):
    with pytest.raises(ValueError):
        Weights.parse(text)


def _item(code, due, points):
    return {"unit_code": code, "unit_name": code.upper(), "due": due, "score": points}


def test_ties_share_a_rank_and_small_units_are_not_ranked():
    items = [
        _item("a", 5, 90.0),
        _item("b", 9, 90.0),
        _item("c", 6, 70.5),
        _item("d", 4, 99.0),
        _item("e", 8, None),
        _item("f", 5, 60.0),
    ]
    rank(items, 5)
    assert {i["unit_code"]: i["rank"] for i in items} == {
        "a": 1,
        "b": 1,
        "c": 3,
        "d": None,
        "e": None,
        "f": 4,
    }


def test_red_and_black_lists_never_overlap():
    items = [
        {**_item(c, 5, s), "rank": r} for c, s, r in (("a", 90, 1), ("b", 80, 2), ("c", 70, 3))
    ]
    red, black = red_black(items, 2)
    assert [i["unit_code"] for i in red] == ["a", "b"] and [i["unit_code"] for i in black] == ["c"]


def _week(*ranks):
    return [{**_item(code, 5, 0), "rank": r} for code, r in ranks]


def test_yellow_flag_moves_only_to_a_worse_unit():
    history = flag_transfers(
        [
            ("2026-W40", _week(("a", None), ("b", None))),  # nobody ranked: nobody holds it
            ("2026-W41", _week(("a", 1), ("b", 2))),  # b worst: takes it
            ("2026-W42", []),  # no ranking: b keeps it
            ("2026-W43", _week(("a", 1), ("b", 1))),  # a tie for worst: the holder keeps it
            ("2026-W44", _week(("a", 2), ("b", 1), ("c", None))),  # a now worst: takes it
        ]
    )
    assert history == [
        {"week": "2026-W41", "unit_code": "b", "unit_name": "B"},
        {"week": "2026-W44", "unit_code": "a", "unit_name": "A"},
    ]


def test_periods_in_china_time():
    week = periods.week("2026-W47")
    assert (week.first, week.last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.start.isoformat() == "2026-11-15T16:00:00+00:00"  # Monday 00:00 in Beijing
    assert periods.next_week(week).label == "2026-W48"
    assert periods.week_of(date(2027, 1, 1)).label == "2026-W53"
    assert periods.month("2026-12").last == date(2026, 12, 31)
    assert periods.month("2026-02").last == date(2026, 2, 28)
    for bad in ("2026-W54", "2026-13", "26-W01"):
        with pytest.raises(periods.PeriodError):
            periods.week(bad) if "W" in bad else periods.month(bad)


def test_names_are_masked():
    assert (
        mask_name("网格员王芳") == "网****"
        and mask_name("李") == "李*"
        and mask_name(None) == "匿名"
    )


def test_yellow_flag_continues_a_published_history():
    earlier = [{"week": "2026-W44", "unit_code": "a", "unit_name": "A"}]
    tie = flag_transfers([("2026-W45", _week(("a", 1), ("b", 1)))], earlier)
    assert tie == earlier
    moved = flag_transfers([("2026-W45", _week(("a", 1), ("b", 2)))], earlier)
    assert moved[-1] == {"week": "2026-W45", "unit_code": "b", "unit_name": "B"}
