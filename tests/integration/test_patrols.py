"""Patrol plans (巡查) across one week with a fixed clock, and over HTTP.

The week is Mon 2026-11-23 .. Sun 2026-11-29 (China time; no holiday). Every expected figure is
worked out by hand in the comments next to it.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from inspector.access.models import Account
from inspector.access.service import actor_of, create_account
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.patrols.models import PatrolCheckIn, PatrolMiss, PatrolPlan
from inspector.patrols.schedule import china_day
from inspector.patrols.service import (
    CheckInInput,
    PlanInput,
    check_in,
    create_plan,
    day_slots,
    missed_slots,
)
from inspector.photos.models import Photo
from inspector.points.service import upsert_point
from inspector.sla.jobs import tick
from inspector.sla.models import Notification
from inspector.supervision.indicators import grid_stats
from inspector.supervision.periods import between
from inspector.timeutil import utcnow

from ..helpers import auth
from ..images import jpeg
from .flows import GRID, OTHER_GRID, photo, post_report, spot
from .sla_cases import cn

HALF = 0.0005  # ~50 m around the grid's centre: the patrol point


def _square(lat: float, lon: float) -> dict:
    ring = [
        [lon - HALF, lat - HALF],
        [lon + HALF, lat - HALF],
        [lon + HALF, lat + HALF],
        [lon - HALF, lat + HALF],
        [lon - HALF, lat - HALF],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _actor(username: str):  # noqa: ANN202
    return actor_of(db.session.scalar(select(Account).where(Account.username == username)))


def _shot(at: datetime, grid: str = GRID) -> CheckInInput:
    lat, lon = spot(grid)
    return CheckInInput(files=[FileStorage(io.BytesIO(jpeg(lat, lon, taken_at=at)), "p.jpg")])


def _refused(plan: PatrolPlan, who: str, data: CheckInInput, now: datetime) -> ApiError:
    with pytest.raises(ApiError) as caught:
        check_in(plan, _actor(who), data, now)
    db.session.rollback()
    return caught.value


def _count(model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_week_of_patrols_with_a_fixed_clock(demo_app):
    with demo_app.app_context():
        upsert_point("pp1", "巡查测试点位", "night_market", "zfj", _square(*spot(GRID)))
        boss = _actor("supervisor")
        monday = cn("2026-11-23T08:00")
        # A: every day at the point, grid worker, this week only.
        a = create_plan(
            boss,
            PlanInput(
                "gridworker",
                "day",
                point_code="pp1",
                start_date=date(2026, 11, 23),
                end_date=date(2026, 11, 29),
            ),
            monday,
        )
        # B: every Wednesday in the grid, volunteer, open-ended.
        b = create_plan(
            boss,
            PlanInput(
                "volunteer", "week", zone_code=GRID, weekday=3, start_date=date(2026, 11, 23)
            ),
            monday,
        )
        # C: once in each ISO week, any day, grid worker.
        c = create_plan(
            boss,
            PlanInput("gridworker", "week", zone_code=GRID, start_date=date(2026, 11, 23)),
            monday,
        )
        db.session.commit()
        a_id, b_id, c_id = a.id, b.id, c.id
        assert a.grid.code == GRID  # the point lies in GRID: its figures go there

        # Mon 09:00: a photo taken on site two minutes earlier counts for Monday.
        done = check_in(
            a, _actor("gridworker"), _shot(cn("2026-11-23T08:58")), cn("2026-11-23T09:00")
        )
        assert done.slot_date == date(2026, 11, 23) and done.distance_m == 0.0
        assert done.position_basis == "photo" and len(done.photos) == 1
        db.session.commit()
        photos_before = _count(Photo)

        # Mon 10:00: a photo taken in another district is refused; nothing is stored.
        far = _refused(
            a, "gridworker", _shot(cn("2026-11-23T09:59"), OTHER_GRID), cn("2026-11-23T10:00")
        )
        assert (far.status, far.code) == (422, "not_on_site")
        assert far.message.startswith("距巡查点位") and "请到现场操作" in far.message
        # Someone else's plan: only its assignee checks in.
        other = _refused(a, "volunteer", _shot(cn("2026-11-23T09:59")), cn("2026-11-23T10:00"))
        assert (other.status, other.code) == (403, "forbidden")
        assert _count(Photo) == photos_before and _count(PatrolCheckIn) == 1

        # Tuesday: nobody patrols A.  Tick just after midnight announces Tuesday once.
        assert tick(cn("2026-11-24T00:10"))["patrols_missed_notified"] == 0  # Monday was done
        assert tick(cn("2026-11-25T00:10"))["patrols_missed_notified"] == 1  # A, Tuesday
        assert tick(cn("2026-11-25T00:15"))["patrols_missed_notified"] == 0  # already told
        notices = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        # one to the assignee (网格员王芳), one to the plan's author (督查组)
        assert [(n.kind, n.recipient, n.account_id) for n in notices] == [
            ("patrol_missed", "account", _actor("gridworker").account_id),
            ("patrol_missed", "account", boss.account_id),
        ]
        assert "2026-11-24" in notices[0].message and "巡查测试点位" in notices[0].message
        assert notices[0].case_id is None and notices[0].patrol_miss_id is not None

        # Wed 09:00: a photo from Tuesday 23:30 is older than Wednesday's slot: refused.
        old = _refused(a, "gridworker", _shot(cn("2026-11-24T23:30")), cn("2026-11-25T09:00"))
        assert (old.status, old.code) == (422, "photo_too_early")
        assert "2026-11-25T00:00:00+08:00" in old.message
        a = db.session.get(PatrolPlan, a_id)
        check_in(a, _actor("gridworker"), _shot(cn("2026-11-25T09:04")), cn("2026-11-25T09:05"))
        b = db.session.get(PatrolPlan, b_id)
        check_in(b, _actor("volunteer"), _shot(cn("2026-11-25T09:59")), cn("2026-11-25T10:00"))
        db.session.commit()

        # Wed 12:00, the day's list: the grid worker has A (done today) and C (this week's, due).
        day = date(2026, 11, 25)
        noon = cn("2026-11-25T12:00")
        mine = [(s.plan.id, s.status(noon)) for s in day_slots(_actor("gridworker"), day)]
        assert mine == [(a_id, "done"), (c_id, "due")]
        everyone = [(s.plan.id, s.status(noon)) for s in day_slots(boss, day)]
        assert everyone == [(a_id, "done"), (b_id, "done"), (c_id, "due")]
        # Mid-week figures: only ended slots count; A Mon done, A Tue missed (Wed still runs).
        week = between("2026-11-23", "2026-11-29")
        mid = {i["grid_code"]: i for i in grid_stats(week, boss, now=noon)["items"]}[GRID]
        assert (mid["patrols_due"], mid["patrols_done"], mid["patrols_missed"]) == (2, 1, 1)

        # Thursday: nobody.  Fri 00:30 a late check-in with Thursday 23:40's photo is refused:
        # it would belong to Friday, and the photo is older than Friday's slot. Thursday stays
        # missed; a fresh photo on Friday counts for Friday.
        a = db.session.get(PatrolPlan, a_id)
        late = _refused(a, "gridworker", _shot(cn("2026-11-26T23:40")), cn("2026-11-27T00:30"))
        assert late.code == "photo_too_early"
        a = db.session.get(PatrolPlan, a_id)
        friday = check_in(
            a, _actor("gridworker"), _shot(cn("2026-11-27T07:55")), cn("2026-11-27T08:00")
        )
        assert friday.slot_date == date(2026, 11, 27)
        # Saturday: A, and C's weekly patrol (its slot is the whole week: keyed by Monday).
        check_in(a, _actor("gridworker"), _shot(cn("2026-11-28T09:58")), cn("2026-11-28T10:00"))
        c = db.session.get(PatrolPlan, c_id)
        weekly = check_in(
            c, _actor("gridworker"), _shot(cn("2026-11-28T14:58")), cn("2026-11-28T15:00")
        )
        assert weekly.slot_date == date(2026, 11, 23)
        db.session.commit()
        # Sunday: nobody patrols A.

        # Mon 11-30 00:10: Thursday and Sunday are announced now (no tick ran since Wednesday).
        assert tick(cn("2026-11-30T00:10"))["patrols_missed_notified"] == 2
        assert tick(cn("2026-11-30T00:20"))["patrols_missed_notified"] == 0
        misses = db.session.scalars(select(PatrolMiss.slot_date).order_by(PatrolMiss.slot_date))
        assert list(misses) == [date(2026, 11, 24), date(2026, 11, 26), date(2026, 11, 29)]
        assert _count(Notification) == 6  # 3 misses x (assignee + author)

        after = cn("2026-11-30T00:10")
        first, last = date(2026, 11, 23), date(2026, 11, 29)
        listed = [(s.plan.id, s.slot.first) for s in missed_slots(boss, first, last, after)]
        assert listed == [
            (a_id, date(2026, 11, 24)),
            (a_id, date(2026, 11, 26)),
            (a_id, date(2026, 11, 29)),
        ]
        assert missed_slots(_actor("volunteer"), first, last, after) == []  # B's Wednesday done
        assert len(missed_slots(_actor("gridworker"), first, last, after)) == 3

        # The week in the grid's indicators: A 7 slots (Mon Wed Fri Sat done; Tue Thu Sun
        # missed), B 1 (Wed, done), C 1 (the week, done): due 9, done 6, missed 3.
        row = {i["grid_code"]: i for i in grid_stats(week, boss, now=after)["items"]}[GRID]
        assert (row["patrols_due"], row["patrols_done"], row["patrols_missed"]) == (9, 6, 3)
        assert row["patrol_rate"] == round(6 / 9, 4)


def test_patrols_over_http(demo_client, demo_app):
    c = demo_client
    boss = auth(c, "supervisor")
    made = c.post(
        "/api/v1/patrol-plans",
        json={"zone_code": GRID, "assignee": "gridworker", "every": "day", "note": "早晚各看一次"},
        headers=boss,
    )
    assert made.status_code == 201, made.get_json()
    plan = made.get_json()
    assert (plan["target"], plan["zone_code"], plan["schedule_name"]) == ("grid", GRID, "每天")
    assert plan["assignee"]["username"] == "gridworker"

    # Bad plans: a volunteer cannot plan; a dispatcher cannot be assigned; a weekday is weekly.
    refused = [
        ({"zone_code": GRID, "assignee": "dispatcher", "every": "day"}, 422),
        ({"zone_code": GRID, "assignee": "gridworker", "every": "day", "weekday": 2}, 422),
        ({"zone_code": "429901", "assignee": "gridworker", "every": "day"}, 422),  # a district
        ({"point_code": "nope", "assignee": "gridworker", "every": "day"}, 404),
        ({"assignee": "gridworker", "every": "day"}, 422),
    ]
    for body, status in refused:
        answer = c.post("/api/v1/patrol-plans", json=body, headers=boss)
        assert answer.status_code == status, (body, answer.get_json())
        assert set(answer.get_json()["error"]) >= {"code", "message"}
    # A supervisor bound to 东城区 plans only there.
    with demo_app.app_context():
        create_account("sup_east", "Secret@2026", "supervisor", zone_codes=["429902"])
        db.session.commit()
    east = auth(c, "sup_east", "Secret@2026")
    outside = c.post(
        "/api/v1/patrol-plans",
        json={"zone_code": GRID, "assignee": "gridworker", "every": "day"},
        headers=east,
    )
    assert outside.status_code == 403
    assert c.get("/api/v1/patrol-plans", headers=east).get_json()["items"] == []

    worker = auth(c, "gridworker")
    lat, lon = spot(GRID)
    url = f"/api/v1/patrols/{plan['id']}/check-in"
    wrong = c.post(
        url,
        data={"photo": photo(*spot(OTHER_GRID))},
        headers=worker,
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "not_on_site"
    none = c.post(url, json={}, headers=worker)
    assert none.status_code == 422 and none.get_json()["error"]["code"] == "photo_required"
    # Found a problem: he reports it and links the report to the check-in.
    report = post_report(c, "gridworker").get_json()
    problem = c.post(
        url,
        data={"photo": photo(lat, lon), "report_id": str(report["id"]), "note": "占道经营"},
        headers=worker,
        content_type="multipart/form-data",
    )
    assert problem.status_code == 201, problem.get_json()
    body = problem.get_json()
    assert body["problem"] is True and body["report_id"] == report["id"]
    assert body["photos"][0]["url"]
    foreign = c.post(
        url,
        data={"photo": photo(lat, lon), "report_id": "999999"},
        headers=worker,
        content_type="multipart/form-data",
    )
    assert foreign.status_code == 422
    assert c.post(url, json={}, headers=auth(c, "volunteer")).status_code == 404

    today = c.get("/api/v1/patrols?due=today", headers=worker).get_json()
    assert [(i["plan"]["id"], i["status"]) for i in today["items"]] == [(plan["id"], "done")]
    assert len(today["items"][0]["check_ins"]) == 1
    assert c.get("/api/v1/patrols/missed", headers=worker).get_json()["items"] == []

    # A plan that ran the last three days (ended yesterday) and was never patrolled.
    day = china_day(utcnow())
    past = c.post(
        "/api/v1/patrol-plans",
        json={
            "zone_code": GRID,
            "assignee": "gridworker",
            "every": "day",
            "start_date": (day - timedelta(days=3)).isoformat(),
            "end_date": (day - timedelta(days=1)).isoformat(),
        },
        headers=boss,
    ).get_json()
    missed = c.get("/api/v1/patrols/missed", headers=worker).get_json()["items"]
    assert [(i["plan"]["id"], i["status"]) for i in missed] == [(past["id"], "missed")] * 3
    ran = demo_app.test_cli_runner().invoke(args=["tick"])
    assert ran.exit_code == 0 and "漏巡通知 3 个时段" in ran.output, ran.output
    again = demo_app.test_cli_runner().invoke(args=["tick"])
    assert "漏巡通知 0 个时段" in again.output
    # Told: the assignee and the plan's author, each his own three; nobody else.
    for user, count in (("gridworker", 3), ("supervisor", 3), ("volunteer", 0), ("dispatcher", 0)):
        seen = c.get("/api/v1/notifications?kind=patrol_missed", headers=auth(c, user))
        assert seen.status_code == 200 and len(seen.get_json()["items"]) == count, user
    notice = c.get("/api/v1/notifications", headers=worker).get_json()["items"][0]
    assert notice["case"] is None and notice["patrol_miss_id"] and "漏巡" in notice["message"]
    read = f"/api/v1/notifications/{notice['id']}/read"
    assert c.post(read, headers=auth(c, "volunteer")).status_code == 404
    assert c.post(read, headers=worker).get_json()["read"] is True
    bad = c.get("/api/v1/patrols/missed?from=2026-12-01&to=2026-11-01", headers=worker)
    assert bad.status_code == 422
    assert c.get("/api/v1/patrols?date=9999-12-31", headers=worker).status_code == 422
    stats = c.get("/api/v1/stats/grids?from=2026-11-01&to=2026-11-30", headers=boss)
    assert stats.status_code == 200
    assert all("patrols_due" in i for i in stats.get_json()["items"])


def test_patrol_photos_in_the_point_history_and_board(demo_client):
    c = demo_client
    lat, lon = spot(GRID)
    admin = auth(c, "admin")
    point = {
        "code": "pp2",
        "name": "巡查历史点位",
        "kind": "park",
        "unit_code": "zfj",
        "polygon": _square(lat, lon),
    }
    assert c.post("/api/v1/points", json=point, headers=admin).status_code == 201
    made = c.post(
        "/api/v1/patrol-plans",
        json={"point_code": "pp2", "assignee": "volunteer", "every": "week"},
        headers=admin,
    ).get_json()
    url = f"/api/v1/patrols/{made['id']}/check-in"
    volunteer = auth(c, "volunteer")
    clean = c.post(
        url, data={"photo": photo(lat, lon)}, headers=volunteer, content_type="multipart/form-data"
    )
    assert clean.status_code == 201, clean.get_json()
    dirty = c.post(
        url,
        data={"photo": photo(lat, lon), "problem": "true"},
        headers=volunteer,
        content_type="multipart/form-data",
    )
    assert dirty.status_code == 201
    clean_photo = clean.get_json()["photos"][0]["id"]
    dirty_photo = dirty.get_json()["photos"][0]["id"]

    items = c.get("/api/v1/points/pp2/history", headers=admin).get_json()["items"]
    patrols = [(i["photo"]["id"], i["step"], i["clean"]) for i in items if i["step"] == "patrol"]
    assert patrols == [(clean_photo, "patrol", True), (dirty_photo, "patrol", False)]
    assert items[0]["step_name"] == "巡查打卡" and items[0]["case"] is None
    assert items[0]["patrol"]["plan_id"] == made["id"]
    board = {r["code"]: r for r in c.get("/api/v1/points/board", headers=admin).json["items"]}
    # the problem patrol came later, but the last CLEAN photo is the clean patrol's
    assert board["pp2"]["last_clean_photo"]["photo"]["id"] == clean_photo


def test_changing_a_plan_leaves_past_patrols_as_they_were(demo_client, demo_app):
    c = demo_client
    boss = auth(c, "supervisor")
    day = china_day(utcnow())
    plan = c.post(
        "/api/v1/patrol-plans",
        json={"zone_code": GRID, "assignee": "gridworker", "every": "day"},
        headers=boss,
    ).get_json()
    url = f"/api/v1/patrol-plans/{plan['id']}"
    # Assignees cannot change plans; a supervisor of another district does not see this one.
    with demo_app.app_context():
        create_account("sup_east2", "Secret@2026", "supervisor", zone_codes=["429902"])
        db.session.commit()
    for headers, status in (
        (auth(c, "gridworker"), 403),
        (auth(c, "volunteer"), 403),
        (auth(c, "dispatcher"), 403),
        (auth(c, "sup_east2", "Secret@2026"), 404),
    ):
        answer = c.patch(url, json={"note": "x"}, headers=headers)
        assert answer.status_code == status, answer.get_json()
    # Nothing to change, an end before today, a body that is not JSON: clear errors.
    assert c.patch(url, json={}, headers=boss).status_code == 422
    yesterday = (day - timedelta(days=1)).isoformat()
    early = c.patch(url, json={"end_date": yesterday}, headers=boss)
    assert early.status_code == 422 and early.get_json()["error"]["field"] == "end_date"
    raw = c.patch(url, data="end", headers={**boss, "Content-Type": "application/json"})
    assert raw.status_code == 400 and raw.get_json()["error"]["code"] == "bad_request"

    # Reassigned to the volunteer, ending in a week, with a note.
    end = (day + timedelta(days=6)).isoformat()
    changed = c.patch(
        url, json={"assignee": "volunteer", "end_date": end, "note": "王芳调岗"}, headers=boss
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["assignee"]["username"], body["end_date"], body["note"]) == (
        "volunteer",
        end,
        "王芳调岗",
    )
    assert (body["every"], body["zone_code"], body["start_date"]) == ("day", GRID, day.isoformat())
    listed = {
        u: c.get("/api/v1/patrol-plans", headers=auth(c, u)).get_json()["items"]
        for u in ("gridworker", "volunteer")
    }
    assert [p["id"] for p in listed["volunteer"]] == [plan["id"]]
    assert plan["id"] not in [p["id"] for p in listed["gridworker"]]
    # `end_date: null` lets it run on; a missing key leaves it alone.
    assert c.patch(url, json={"end_date": None}, headers=boss).get_json()["end_date"] is None
    assert c.patch(url, json={"note": None}, headers=boss).get_json()["end_date"] is None

    # A plan that ended yesterday after three unpatrolled days cannot be revived: its three
    # missed patrols stay three, not turned into six by a later end.
    ended = c.post(
        "/api/v1/patrol-plans",
        json={
            "zone_code": GRID,
            "assignee": "gridworker",
            "every": "day",
            "start_date": (day - timedelta(days=3)).isoformat(),
            "end_date": yesterday,
        },
        headers=boss,
    ).get_json()
    revive = c.patch(
        f"/api/v1/patrol-plans/{ended['id']}",
        json={"end_date": (day + timedelta(days=3)).isoformat()},
        headers=boss,
    )
    assert revive.status_code == 409 and revive.get_json()["error"]["code"] == "plan_ended"
    missed = c.get("/api/v1/patrols/missed", headers=auth(c, "gridworker")).get_json()["items"]
    assert [i["plan"]["id"] for i in missed] == [ended["id"]] * 3
