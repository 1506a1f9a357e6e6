"""Weekly unit-table snapshots (snapshots.py): `tick` stores each closed week's table once, the
yellow flag's replay reads them, and a late change to an old week no longer moves an old flag.

The three weeks of test_supervision_flag (W45 11-02..11-08, W46 11-09..11-15, W47 11-16..11-22,
SUPERVISION_MIN_DUE 1, default weights), hand-worked there: W45 jjdd worst (50) takes the flag;
W46 zfj worst (0: its one case never rectified) takes it; W47 zfj and jjdd tie for worst (50)
and the holder zfj keeps it.
"""

from __future__ import annotations

from sqlalchemy import func, select

from inspector.extensions import db
from inspector.sla.jobs import tick
from inspector.supervision.models import WeekSnapshot
from inspector.supervision.periods import week
from inspector.supervision.rankings import flag_history

from .supervision_cases import Builder, World, cn
from .test_supervision_flag import HISTORY, weeks_app_fixture  # noqa: F401 - `weeks_app`

MONDAY_W48 = "2026-11-23T09:00"


def _snapshots() -> dict[str, tuple]:
    rows = db.session.execute(select(WeekSnapshot.week, WeekSnapshot.units, WeekSnapshot.taken_at))
    return {w: (units, taken_at) for w, units, taken_at in rows}


def _scores(units: list[dict]) -> dict[str, tuple]:
    return {
        u["unit_code"]: (u["due"], u["closed"], u["closed_on_time"], u["score"], u["rank"])
        for u in units
        if u["unit_code"] in ("zfj", "jjdd", "hwc")
    }


def test_tick_stores_each_closed_week_once(weeks_app):
    with weeks_app.app_context():
        # Monday of W48: the replay of last week's bulletin (W47) starts at the first week with
        # a dispatched case (W45, less than 8 weeks back): W45, W46, W47 are stored.
        assert tick(cn(MONDAY_W48))["week_snapshots_taken"] == 3
        assert tick(cn("2026-11-23T10:00"))["week_snapshots_taken"] == 0
        stored = _snapshots()
        assert sorted(stored) == ["2026-W45", "2026-W46", "2026-W47"]
        # W46 as worked out in test_supervision_flag: zfj 0 (rank 3), jjdd 100, hwc 75.
        assert _scores(stored["2026-W46"][0]) == {
            "zfj": (1, 0, 0, 0.0, 3),
            "jjdd": (1, 1, 1, 100.0, 1),
            "hwc": (2, 2, 1, 75.0, 2),
        }
        # W45: zfj on time 100 (rank 1), jjdd late 50 (rank 2), hwc nothing due (unranked).
        assert _scores(stored["2026-W45"][0]) == {
            "zfj": (1, 1, 1, 100.0, 1),
            "jjdd": (1, 1, 0, 50.0, 2),
            "hwc": (0, 0, 0, None, None),
        }
        # A week later only W48 is new (nothing happened in it: every unit listed, none ranked).
        assert tick(cn("2026-11-30T09:00"))["week_snapshots_taken"] == 1
        assert db.session.scalar(select(func.count()).select_from(WeekSnapshot)) == 4
        w48 = _snapshots()["2026-W48"][0]
        assert {u["rank"] for u in w48} == {None}


def test_replay_from_snapshots_equals_the_computed_replay(weeks_app):
    with weeks_app.app_context():
        now = cn("2026-11-25T09:00")
        computed = flag_history(week("2026-W47"), now)
        tick(cn(MONDAY_W48))
        assert flag_history(week("2026-W47"), now) == computed == HISTORY


def test_a_late_change_does_not_move_the_flag_of_a_closed_week(weeks_app):
    """After the tick of Monday W48, zfj returns its W46 case (never rectified) on Tuesday and
    the dispatcher rejects it: a rejected case is not due anywhere, so recomputed W46 has zfj
    with nothing due (unranked), hwc worst (75) taking the flag, and W47's tie for worst (zfj,
    jjdd at 50) no longer involves the holder hwc: jjdd, first of the tied by code, takes it.
    The snapshots keep W46 as it closed: zfj took the flag in W46 and holds it."""
    with weeks_app.app_context():
        tick(cn(MONDAY_W48))
        before = _snapshots()
        b = Builder(World())
        b.world.cases["w46zfj"] = _case_id("w46zfj")
        b.world.grids["w46zfj"] = _grid_of("w46zfj")
        b.act("w46zfj", "zfj", "return", "2026-11-24T10:00", note="不属于本单位")
        b.act("w46zfj", "dispatcher", "reject", "2026-11-24T10:30", note="重复上报")
        assert tick(cn("2026-11-25T09:00"))["week_snapshots_taken"] == 0
        assert _snapshots() == before  # neither rewritten nor re-timed
        now = cn("2026-11-25T09:30")
        assert flag_history(week("2026-W47"), now) == HISTORY
        db.session.execute(db.delete(WeekSnapshot))  # the fallback: every week recomputed
        assert flag_history(week("2026-W47"), now) == [
            {"week": "2026-W45", "unit_code": "jjdd", "unit_name": "交警大队"},
            {"week": "2026-W46", "unit_code": "hwc", "unit_name": "环卫处"},
            {"week": "2026-W47", "unit_code": "jjdd", "unit_name": "交警大队"},
        ]
        db.session.rollback()


def test_a_published_week_still_comes_first(weeks_app):
    """W46 published (frozen history: W45 jjdd, W46 zfj); its bulletin is not replaced by the
    snapshot, and W47 continues from it."""
    client = weeks_app.test_client()
    from ..helpers import auth

    assert (
        client.post("/api/v1/bulletins/weekly/2026-W46/publish", headers=auth(client, "admin"))
    ).status_code == 201
    with weeks_app.app_context():
        tick(cn(MONDAY_W48))
        assert flag_history(week("2026-W47"), cn("2026-11-25T09:00")) == HISTORY


def _case_id(name: str) -> int:
    from inspector.reports.models import Report

    return db.session.scalar(select(Report.case_id).where(Report.client_id == f"sv-{name}"))


def _grid_of(name: str) -> str:
    from inspector.grid.models import Zone
    from inspector.workflow.models import Case

    case = db.session.get(Case, _case_id(name))
    return db.session.get(Zone, case.grid_id).code
