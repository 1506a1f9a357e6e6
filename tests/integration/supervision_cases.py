"""A known week of cases for the supervision tests, made through the real workflow services
(submit_report and perform, as the HTTP views call them) with fixed clocks.

The week is 2026-W47: Monday 2026-11-16 to Sunday 2026-11-22 (no holidays). Office hours are the
default 08:30-12:00 and 13:30-17:30, so "2 工作时" from 09:00 falls due at 11:00, and 4 from 09:00
at 14:30. Every case sits in its own grid of 鼓楼社区 (the demo grid worker's community), so
no two are near each other, except the one recurrence made on purpose.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.datastructures import FileStorage

from inspector.access.actor import Actor
from inspector.access.models import Account
from inspector.access.passwords import hash_password
from inspector.access.service import actor_of, create_account
from inspector.extensions import db
from inspector.reports.service import ReportInput, submit_report
from inspector.setup.demo import grid_center
from inspector.timeutil import CHINA
from inspector.workflow.models import Case
from inspector.workflow.service import ActionInput, perform

from ..images import jpeg

COMMUNITY = "429901001001"


def grid(n: int) -> str:
    return f"{COMMUNITY}{n:03d}"


def cn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@dataclass
class World:
    actors: dict[str, Actor] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)
    grids: dict[str, str] = field(default_factory=dict)

    def case(self, name: str) -> Case:
        return db.session.get(Case, self.cases[name])


def _actor(username: str) -> Actor:
    return actor_of(db.session.scalar(db.select(Account).where(Account.username == username)))


def _photo(g: str, when: datetime) -> list[FileStorage]:
    lat, lon = grid_center(g)
    return [FileStorage(io.BytesIO(jpeg(lat, lon, taken_at=when)), "p.jpg")]


class Builder:
    def __init__(self, world: World | None = None) -> None:
        """A new week (makes the unit staff accounts), or more actions on a built one."""
        self.world = world or World()
        if world is None:
            digest = hash_password("Staff@2026")
            for unit in ("jjdd", "hwc", "zjj", "szc"):
                create_account(
                    f"staff_{unit}", "Staff@2026", "unit_staff", unit, password_hash=digest
                )
        for name in ("gridworker", "resident", "dispatcher", "supervisor", "unitstaff"):
            self.world.actors[name] = _actor(name)
        for unit in ("jjdd", "hwc", "zjj", "szc"):
            self.world.actors[unit] = _actor(f"staff_{unit}")
        self.world.actors["zfj"] = self.world.actors["unitstaff"]

    def report(
        self, name: str, who: str, g: str, category: str, when: str, phone: str | None = None
    ) -> None:
        at = cn(when)
        lat, lon = grid_center(g)
        data = ReportInput(
            lat=lat, lon=lon, category_code=category, client_id=f"sv-{name}", phone=phone
        )
        report, _token = submit_report(self.world.actors[who], data, _photo(g, at), at)
        self.world.cases[name] = report.case.id
        self.world.grids[name] = g
        db.session.commit()

    def act(self, name: str, who: str, action: str, when: str, **fields) -> None:  # noqa: ANN003
        at = cn(when)
        g = self.world.grids[name]
        lat, lon = grid_center(g)
        files = _photo(g, at) if action in ("rectify", "verify") else []
        data = ActionInput(lat=lat, lon=lon, files=files, **fields)
        perform(self.world.case(name), self.world.actors[who], action, data, at)
        db.session.commit()

    def dispatched(self, name: str, unit: str, g: str, category: str, reported: str, at: str):  # noqa: ANN201
        self.report(name, "gridworker", g, category, reported)
        self.act(name, "dispatcher", "dispatch", at, unit_code=unit)


def build_week() -> World:
    """The week of the test (see test_supervision_stats for the figures worked out by hand)."""
    b = Builder()
    # zfj (综合执法局): one case closed on time, one closed late.
    b.dispatched("a1", "zfj", grid(1), "0101", "2026-11-16T08:40", "2026-11-16T09:00")
    b.act("a1", "zfj", "rectify", "2026-11-16T10:00")
    b.act("a1", "gridworker", "check", "2026-11-16T10:30", passed=True)
    b.dispatched("a2", "zfj", grid(2), "0101", "2026-11-17T08:40", "2026-11-17T09:00")
    b.act("a2", "zfj", "rectify", "2026-11-17T14:00")
    b.act("a2", "gridworker", "check", "2026-11-17T14:30", passed=True)
    # jjdd (交警大队): the same as zfj, so the two tie.
    b.dispatched("b1", "jjdd", grid(3), "0201", "2026-11-16T08:40", "2026-11-16T09:00")
    b.act("b1", "jjdd", "rectify", "2026-11-16T10:00")
    b.act("b1", "gridworker", "check", "2026-11-16T10:30", passed=True)
    b.dispatched("b2", "jjdd", grid(4), "0201", "2026-11-17T08:40", "2026-11-17T09:00")
    b.act("b2", "jjdd", "rectify", "2026-11-17T14:00")
    b.act("b2", "gridworker", "check", "2026-11-17T14:30", passed=True)
    # hwc (环卫处): one perfect case, from a resident's tip (a 漏报 for grid 005): unranked.
    b.report("c1", "resident", grid(5), "0301", "2026-11-18T08:00", phone="13800138000")
    b.act("c1", "gridworker", "verify", "2026-11-18T08:20")
    b.act("c1", "dispatcher", "file", "2026-11-18T08:30")
    b.act("c1", "dispatcher", "dispatch", "2026-11-18T09:00", unit_code="hwc")
    b.act("c1", "hwc", "rectify", "2026-11-18T10:00")
    b.act("c1", "gridworker", "check", "2026-11-18T10:30", passed=True)
    # zjj (住建局): the bad one.
    # e1: dispatched the Friday before (due Mon 09:30), rectified late, failed the check
    # (返工, new due 14:00), rectified again at 11:00 and closed at 11:30.
    b.dispatched("e1", "zjj", grid(6), "0101", "2026-11-13T16:00", "2026-11-13T16:30")
    b.act("e1", "zjj", "rectify", "2026-11-16T10:00")
    b.act("e1", "gridworker", "check", "2026-11-16T10:30", passed=False, note="仍有摊位")
    b.act("e1", "zjj", "rectify", "2026-11-16T11:00")
    b.act("e1", "gridworker", "check", "2026-11-16T11:30", passed=True)
    # e2: due Thu 11:00, extended by 5 work days to Thu 11-26 11:00: past the end (缓办).
    b.dispatched("e2", "zjj", grid(7), "0101", "2026-11-19T08:40", "2026-11-19T09:00")
    b.act(
        "e2",
        "zjj",
        "request-extension",
        "2026-11-19T10:00",
        value=5,
        unit="work_days",
        note="需拆除",
    )
    b.act("e2", "dispatcher", "approve-extension", "2026-11-19T10:30")
    # e3: dispatched Fri 17:00, due Mon 11-23 10:00: after the end.
    b.dispatched("e3", "zjj", grid(8), "0101", "2026-11-20T16:40", "2026-11-20T17:00")
    # e4: returned (退回) by zjj, then rejected by the dispatcher.
    b.dispatched("e4", "zjj", grid(9), "0101", "2026-11-17T08:40", "2026-11-17T09:00")
    b.act("e4", "zjj", "return", "2026-11-17T09:30", note="不属于本单位")
    b.act("e4", "dispatcher", "reject", "2026-11-17T10:00", note="重复上报")
    # e5: due Wed 11:00, never rectified: overdue; 督办 by the supervisor at 14:00.
    b.dispatched("e5", "zjj", grid(10), "0101", "2026-11-18T08:40", "2026-11-18T09:00")
    b.act("e5", "supervisor", "escalate", "2026-11-18T14:00", note="督办")
    # r1: the stall is back at a1's spot on Thursday: a recurrence charged to zfj.
    b.report("r1", "gridworker", grid(1), "0101", "2026-11-19T09:00")
    return b.world
