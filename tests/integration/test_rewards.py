"""有奖举报 across the closed loop, on real intake and real case actions (SQLite and PostgreSQL).

Default settings unless a test says otherwise: 10 points per filed tip, a 5-point first-reporter
bonus, a 200-point monthly cap, one paid tip per 50 m x category x China-time day. Every
expected figure below is worked out by hand from those numbers.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import UTC, datetime

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from inspector.access.actor import ANONYMOUS, Actor
from inspector.access.models import Account
from inspector.access.passwords import hash_password
from inspector.access.roles import RESIDENT, VOLUNTEER
from inspector.access.service import actor_of, create_account, issue_token
from inspector.extensions import db
from inspector.reports.service import ReportInput, submit_report
from inspector.rewards.models import RewardEntry
from inspector.setup.demo import grid_center
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.workflow.models import Case
from inspector.workflow.service import ActionInput, perform
from tests import photo_samples

COMMUNITY = "429901001001"
PLACE = grid_center(COMMUNITY + "007")
M_PER_DEG_LAT = 111_320.0  # close enough at 30.6°N for "20 m" and "60 m" (geodesic: 19.9 / 59.8)


def north(place: tuple[float, float], metres: float) -> tuple[float, float]:
    return place[0] + metres / M_PER_DEG_LAT, place[1]


def china(text: str) -> datetime:
    """'2026-11-10 09:00' in China time, as the UTC instant the code stores."""
    return datetime.fromisoformat(text + "+08:00").astimezone(UTC)


def picture(seed: int) -> Image.Image:
    """A picture of its own: 8 x 6 random grey blocks; two seeds never share a pHash."""
    rng = random.Random(seed)
    image = Image.new("RGB", (256, 192))
    for bx in range(8):
        for by in range(6):
            grey = rng.randrange(256)
            image.paste((grey, grey, grey), (bx * 32, by * 32, bx * 32 + 32, by * 32 + 32))
    return image


def jpeg(image: Image.Image, place: tuple[float, float], quality: int = 90) -> bytes:
    out = io.BytesIO()
    exif = photo_samples.exif_bytes(1, lat=place[0], lon=place[1], taken=None)
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


class City:
    """People, tips and the dispatcher's actions with a fixed clock."""

    _digest: str | None = None

    def __init__(self) -> None:
        self.dispatcher = self.actor("dispatcher")
        self.seed = 0

    @staticmethod
    def actor(username: str) -> Actor:
        return actor_of(db.session.scalar(select(Account).where(Account.username == username)))

    def person(
        self, username: str, role: str = RESIDENT, name: str | None = None, phone: str | None = None
    ) -> Actor:
        if City._digest is None:
            City._digest = hash_password(DEMO_PASSWORD)  # argon2 once: slow on purpose
        create_account(
            username, DEMO_PASSWORD, role, None, None, name, phone, password_hash=City._digest
        )
        return self.actor(username)

    def tip(
        self,
        who: Actor,
        place: tuple[float, float],
        at: datetime,
        category: str = "0301",
        photo: bytes | None = None,
    ) -> Case:
        self.seed += 1
        data = ReportInput(
            lat=place[0], lon=place[1], category_code=category, client_id=str(uuid.uuid4())
        )
        body = photo if photo is not None else jpeg(picture(1000 + self.seed), place)
        report, _token = submit_report(who, data, [FileStorage(io.BytesIO(body), "p.jpg")], at)
        return report.case

    def act(self, case: Case, action: str, at: datetime, **fields) -> Case:
        return perform(case, self.dispatcher, action, ActionInput(**fields), at)

    def file(self, case: Case, at: datetime) -> Case:
        return self.act(case, "file", at)


def lines(who: Actor) -> list[tuple[str, int]]:
    rows = db.session.scalars(
        select(RewardEntry).where(RewardEntry.account_id == who.account_id).order_by(RewardEntry.id)
    )
    return [(r.code, r.points) for r in rows]


def entries(who: Actor) -> list[RewardEntry]:
    return list(
        db.session.scalars(
            select(RewardEntry)
            .where(RewardEntry.account_id == who.account_id)
            .order_by(RewardEntry.id)
        )
    )


def test_filing_pays_residents_and_volunteers_and_endings_say_why(demo_app):
    with demo_app.app_context():
        city = City()
        a, b, c = city.person("rw_a"), city.person("rw_b"), city.person("rw_c")
        vol = city.person("rw_vol", VOLUNTEER)
        day = china("2026-11-10 09:00")
        sites = [grid_center(COMMUNITY + g) for g in ("001", "007", "013", "019", "025", "002")]

        case_a = city.tip(a, sites[0], day)
        assert lines(a) == []  # nothing before 立案
        city.file(case_a, day)
        assert lines(a) == [("filed", 10), ("first_reporter_bonus", 5)]
        filed, bonus = entries(a)
        assert filed.reason == f"举报已立案(案件 {case_a.number}),奖励 10 分"
        assert filed.month == "2026-11" and str(filed.day) == "2026-11-10"

        city.act(city.tip(b, sites[1], day), "reject", day, note="不在城区范围")
        assert lines(b) == [("denied_rejected", 0)]
        assert "不在城区范围" in entries(b)[0].reason

        case_c = city.tip(c, sites[2], day)
        city.act(case_c, "void", day, note="测试数据")
        assert lines(c) == [("denied_void", 0)]
        assert entries(c)[0].reason == f"案件 {case_c.number} 已作废:测试数据,不计分"

        city.file(city.tip(vol, sites[3], day), day)
        assert lines(vol) == [("filed", 10), ("first_reporter_bonus", 5)]

        # Staff report as their job; an anonymous tip has nobody to pay: no lines at all.
        dispatcher_tip = city.tip(city.dispatcher, sites[4], day)  # a 12345 ticket, `new`
        city.file(dispatcher_tip, day)
        city.file(city.tip(ANONYMOUS, sites[5], day), day)
        assert db.session.query(RewardEntry).count() == 2 + 1 + 1 + 2


def test_merge_void_and_late_rejection_take_rewards_back_with_negative_lines(demo_app):
    with demo_app.app_context():
        city = City()
        a, b, c, d, e = (city.person(f"rb_{n}") for n in "abcde")
        case_a = city.tip(a, PLACE, china("2026-11-10 09:00"))
        city.file(case_a, china("2026-11-10 10:00"))
        assert lines(a) == [("filed", 10), ("first_reporter_bonus", 5)]

        # b: the same pile 20 m away the next day; intake links it to a's open case, so b is
        # not the first reporter: 10, no bonus. Later merged into a's case: taken back.
        case_b = city.tip(b, north(PLACE, 20), china("2026-11-11 09:00"))
        assert case_b.duplicate_of_id == case_a.id
        city.file(case_b, china("2026-11-11 10:00"))
        assert lines(b) == [("filed", 10)]
        assert f"此前已有同一问题的案件 {case_a.number},无首报奖励" in entries(b)[0].reason
        city.act(case_b, "merge", china("2026-12-02 09:00"), into=case_a.id)
        assert lines(b) == [("filed", 10), ("reversed_merged", -10)]
        paid, back = entries(b)
        assert back.reverses_id == paid.id and back.month == "2026-11"  # counts where it was paid
        assert back.reason == (
            f"案件 {case_b.number} 与案件 {case_a.number} 重复,已合并,收回奖励 10 分"
        )

        # c: merged before anyone filed it: a 0-point line, so c knows why.
        case_c = city.tip(c, north(PLACE, 10), china("2026-11-12 09:00"))
        city.act(case_c, "merge", china("2026-11-12 10:00"), into=case_a.id)
        assert lines(c) == [("denied_merged", 0)]

        # d: filed, then rejected after all (不予立案 from `filed`); e: filed, then voided.
        far = grid_center(COMMUNITY + "013")
        case_d = city.tip(d, far, china("2026-11-13 09:00"))
        city.file(case_d, china("2026-11-13 10:00"))
        city.act(case_d, "reject", china("2026-11-13 11:00"), note="核实不属实")
        assert lines(d) == [
            ("filed", 10),
            ("first_reporter_bonus", 5),
            ("reversed_rejected", -10),
            ("reversed_rejected", -5),
        ]
        farther = grid_center(COMMUNITY + "019")
        case_e = city.tip(e, farther, china("2026-11-14 09:00"))
        city.file(case_e, china("2026-11-14 10:00"))
        city.act(case_e, "void", china("2026-11-14 11:00"), note="误报")
        assert [p for _, p in lines(e)] == [10, 5, -10, -5]
        assert sum(p for _, p in lines(d)) == 0 and sum(p for _, p in lines(e)) == 0
        assert db.session.query(RewardEntry).filter(RewardEntry.points < 0).count() == 1 + 2 + 2


def test_one_reward_per_place_category_and_china_day(demo_app):
    with demo_app.app_context():
        city = City()
        people = [city.person(f"rp_{i}") for i in range(15)]
        day1 = "2026-11-10"
        cases = []
        for i in range(10):  # ten people, one pile, within 9 m, one morning
            at = china(f"{day1} 09:{i:02d}")
            cases.append(city.tip(people[i], north(PLACE, i), at))
        for i, case in enumerate(cases):
            city.file(case, china(f"{day1} 11:{i:02d}"))
        assert lines(people[0]) == [("filed", 10), ("first_reporter_bonus", 5)]
        for person in people[1:10]:
            assert lines(person) == [("denied_same_place_day", 0)]
        denial = entries(people[1])[0]
        assert denial.reason == (
            f"同一地点(50 米内)同类问题当天已奖励过一次(案件 {cases[0].number}),本次不计分"
        )

        # The next day pays again (linked to the open case: no first-reporter bonus).
        city.file(city.tip(people[10], PLACE, china("2026-11-11 09:00")), china("2026-11-11 10:00"))
        assert lines(people[10]) == [("filed", 10)]
        # 60 m away on day 1 is another place (and past the 30 m duplicate radius): full pay.
        city.file(
            city.tip(people[11], north(PLACE, 60), china(f"{day1} 09:30")), china(f"{day1} 12:00")
        )
        assert lines(people[11]) == [("filed", 10), ("first_reporter_bonus", 5)]
        # Another category at the same spot on day 1 is another problem: 0401 小广告.
        city.file(
            city.tip(people[12], PLACE, china(f"{day1} 09:40"), category="0401"),
            china(f"{day1} 12:10"),
        )
        assert lines(people[12]) == [("filed", 10), ("first_reporter_bonus", 5)]
        # Days are China days: 2026-11-11 23:50 and 2026-11-12 00:10 (+08:00) are both
        # 2026-11-11 in UTC, yet the second is a new day and pays again.
        city.file(city.tip(people[13], PLACE, china("2026-11-11 23:50")), china("2026-11-12 08:00"))
        city.file(city.tip(people[14], PLACE, china("2026-11-12 00:10")), china("2026-11-12 08:10"))
        assert lines(people[13]) == [("denied_same_place_day", 0)]
        assert lines(people[14]) == [("filed", 10)]
        paid = db.session.query(RewardEntry).filter(RewardEntry.code == "filed").count()
        assert paid == 1 + 1 + 1 + 1 + 1  # day 1, day 2, 60 m, 0401, day 3


def test_monthly_cap_trims_then_denies_and_resets_in_the_next_china_month(app_factory):
    app = app_factory(REWARD_MONTHLY_CAP=35)
    with app.app_context():
        city = City()
        who = city.person("rc_cap")
        sites = [grid_center(COMMUNITY + g) for g in ("001", "007", "013", "019", "025")]
        cases = [city.tip(who, site, china(f"2026-11-2{i} 09:00")) for i, site in enumerate(sites)]
        city.file(cases[0], china("2026-11-20 10:00"))  # 15
        city.file(cases[1], china("2026-11-21 10:00"))  # 30
        city.file(cases[2], china("2026-11-22 10:00"))  # 5 left: filed 10 -> 5, bonus 5 denied
        assert lines(who) == [
            ("filed", 10),
            ("first_reporter_bonus", 5),
            ("filed", 10),
            ("first_reporter_bonus", 5),
            ("filed", 5),
            ("denied_cap", 0),
        ]
        trimmed, capped = entries(who)[4:]
        assert trimmed.reason.endswith("(本月上限 35 分,原应得 10 分)")
        assert capped.reason == "本月积分已达上限 35 分,本次 10 分不计"
        # 23:55 on 30 November, China time (15:55 UTC): still November, nothing left.
        city.file(cases[3], china("2026-11-30 23:55"))
        assert lines(who)[-1] == ("denied_cap", 0)
        assert entries(who)[-1].reason == "本月积分已达上限 35 分,本次 15 分不计"
        # 00:05 on 1 December, China time (still 30 November in UTC): a new month.
        city.file(cases[4], china("2026-12-01 00:05"))
        assert lines(who)[-2:] == [("filed", 10), ("first_reporter_bonus", 5)]
        by_month: dict[str, int] = {}
        for entry in entries(who):
            by_month[entry.month] = by_month.get(entry.month, 0) + entry.points
        assert by_month == {"2026-11": 35, "2026-12": 15}


def test_a_reused_photo_earns_nothing(demo_app):
    with demo_app.app_context():
        city = City()
        a, b = city.person("ru_a"), city.person("ru_b")
        here, there, elsewhere = (grid_center(COMMUNITY + g) for g in ("001", "013", "025"))
        original = jpeg(picture(7), here)
        case_a = city.tip(a, here, china("2026-11-10 09:00"), photo=original)
        city.file(case_a, china("2026-11-10 10:00"))
        assert lines(a) == [("filed", 10), ("first_reporter_bonus", 5)]

        # The same picture re-saved with another position and quality: other bytes, same pHash.
        recycled = jpeg(Image.open(io.BytesIO(original)).resize((240, 180)), there, quality=70)
        assert recycled != original
        case_b = city.tip(b, there, china("2026-11-12 09:00"), photo=recycled)
        city.file(case_b, china("2026-11-12 10:00"))
        assert lines(b) == [("denied_reused_photo", 0)]
        assert entries(b)[0].reason == f"照片与此前的照片相同(案件 {case_a.number}),本次不计分"

        # A picture of his own pays as usual.
        city.file(city.tip(b, elsewhere, china("2026-11-12 11:00")), china("2026-11-12 12:00"))
        assert lines(b)[1:] == [("filed", 10), ("first_reporter_bonus", 5)]


def _token(username: str) -> dict[str, str]:
    account = db.session.scalar(select(Account).where(Account.username == username))
    token, _row = issue_token(account, 1)
    return {"Authorization": f"Bearer {token}"}


def test_ledger_api_and_leaderboard_masking_ties_and_order(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        city = City()
        x = city.person("lb_x", name="张三丰", phone="13812345678")
        y = city.person("lb_y", name="李四", phone="139-0000-1111")
        z = city.person("lb_z", VOLUNTEER, name="王五", phone="13700002222")
        w = city.person("lb_w", name="赵六")
        v = city.person("lb_v", name="孙七", phone="13600003333")
        s = [grid_center(COMMUNITY + g) for g in ("001", "007", "013", "019", "025", "002")]
        city.file(city.tip(x, s[0], china("2026-11-03 09:00")), china("2026-11-03 10:00"))
        city.file(city.tip(x, s[1], china("2026-11-04 09:00")), china("2026-11-04 10:00"))
        case_y = city.tip(y, s[2], china("2026-11-05 09:00"))
        city.file(case_y, china("2026-11-05 10:00"))
        city.file(city.tip(z, s[3], china("2026-11-06 09:00")), china("2026-11-06 10:00"))
        # w: y's spot a day later, linked to y's open case: 10 points, no bonus.
        city.file(city.tip(w, s[2], china("2026-11-06 11:00")), china("2026-11-06 12:00"))
        # v: 15 in November, taken back in December by a merge: 0 in November, off the board.
        case_v = city.tip(v, s[4], china("2026-11-07 09:00"))
        city.file(case_v, china("2026-11-07 10:00"))
        city.act(case_v, "merge", china("2026-12-01 09:00"), into=case_y.id)
        headers = {
            name: _token(name) for name in ("lb_x", "lb_v", "dispatcher", "admin", "resident")
        }
        db.session.commit()

    board = client.get("/api/v1/rewards/leaderboard?month=2026-11")  # public: no token
    assert board.status_code == 200, board.get_json()
    assert board.get_json() == {
        "month": "2026-11",
        "items": [
            {"rank": 1, "name": "张**", "phone": "138****5678", "points": 30, "tips": 2},
            {"rank": 2, "name": "李*", "phone": "139****1111", "points": 15, "tips": 1},
            {"rank": 2, "name": "王*", "phone": "137****2222", "points": 15, "tips": 1},
            {"rank": 4, "name": "赵*", "phone": None, "points": 10, "tips": 1},
        ],
    }
    assert client.get("/api/v1/rewards/leaderboard?month=2026-12").get_json()["items"] == []

    # The payout list (admins only): whole names and phones, the board's order and ranks.
    expected_rows = [
        ["排名", "账号", "姓名", "电话", "角色", "立案奖励次数", "本月积分"],
        ["1", "lb_x", "张三丰", "13812345678", "市民", "2", "30"],
        ["2", "lb_y", "李四", "139-0000-1111", "市民", "1", "15"],
        ["2", "lb_z", "王五", "13700002222", "志愿者", "1", "15"],
        ["4", "lb_w", "赵六", "", "市民", "1", "10"],
    ]
    as_csv = client.get("/api/v1/rewards/payout.csv?month=2026-11", headers=headers["admin"])
    assert as_csv.status_code == 200 and as_csv.data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig")))) == expected_rows
    as_xlsx = client.get("/api/v1/rewards/payout.xlsx?month=2026-11", headers=headers["admin"])
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).active
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == expected_rows
    denied = client.get("/api/v1/rewards/payout.csv?month=2026-11", headers=headers["dispatcher"])
    assert denied.status_code == 403
    bad = client.get("/api/v1/rewards/leaderboard?month=2026-13")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_input"

    mine = client.get("/api/v1/rewards/me", headers=headers["lb_v"]).get_json()
    assert mine["balance"] == 0
    assert [(i["code"], i["points"]) for i in mine["items"]] == [  # newest first
        ("reversed_merged", -5),
        ("reversed_merged", -10),
        ("first_reporter_bonus", 5),
        ("filed", 10),
    ]
    assert {i["month"] for i in mine["items"]} == {"2026-11"}
    assert mine["items"][0]["case_number"] and mine["items"][0]["reason"].startswith("案件 ")
    assert client.get("/api/v1/rewards/mine", headers=headers["lb_v"]).get_json() == mine
    x_mine = client.get("/api/v1/rewards/me", headers=headers["lb_x"]).get_json()
    assert x_mine["balance"] == 30 and len(x_mine["items"]) == 4

    seen = client.get("/api/v1/rewards/accounts/lb_x", headers=headers["dispatcher"]).get_json()
    assert seen["account"]["phone"] == "138****5678" and seen["balance"] == 30
    by_admin = client.get("/api/v1/rewards/accounts/lb_x", headers=headers["admin"]).get_json()
    assert by_admin["account"]["phone"] == "13812345678"
    refused = client.get("/api/v1/rewards/accounts/lb_x", headers=headers["resident"])
    assert refused.status_code == 403
    missing = client.get("/api/v1/rewards/accounts/nobody", headers=headers["dispatcher"])
    assert missing.status_code == 404


def test_ledger_lines_commit_and_roll_back_with_the_filing(demo_app):
    """No line is committed on its own: rolled back as http.py rolls back an answer >= 400, the
    filing and its lines go together; filed over HTTP, both are there."""
    client = demo_app.test_client()
    with demo_app.app_context():
        city = City()
        who = city.person("rt_a")
        case = city.tip(who, PLACE, china("2026-11-10 09:00"))
        case_id = case.id
        headers = {name: _token(name) for name in ("rt_a", "dispatcher")}
        db.session.commit()
        city.file(case, china("2026-11-10 10:00"))
        assert lines(who) == [("filed", 10), ("first_reporter_bonus", 5)]
        db.session.rollback()
        assert db.session.get(Case, case_id).status == "verifying" and lines(who) == []

    filed = client.post(f"/api/v1/cases/{case_id}/file", json={}, headers=headers["dispatcher"])
    assert filed.status_code == 200, filed.get_json()
    mine = client.get("/api/v1/rewards/me", headers=headers["rt_a"]).get_json()
    assert mine["balance"] == 15
    assert [(i["code"], i["points"], i["case_id"]) for i in mine["items"]] == [
        ("first_reporter_bonus", 5, case_id),
        ("filed", 10, case_id),
    ]
    assert mine["this_month"]["points"] == 15 and mine["this_month"]["cap"] == 200


def test_merged_before_filing_the_opener_of_the_surviving_case_is_judged(demo_app):
    """c's earlier case is merged into d's (the wrong way round) before anyone filed: c's tip
    is settled by the merge (0), d's report opened the surviving case and is judged (10 + 5:
    the case it was linked to is now part of it). An anonymous opener has nobody to pay, and
    a merged-in resident stays at 0."""
    with demo_app.app_context():
        city = City()
        c, d, f = city.person("rm_c"), city.person("rm_d"), city.person("rm_f")
        case_c = city.tip(c, PLACE, china("2026-11-10 09:00"))
        case_d = city.tip(d, north(PLACE, 10), china("2026-11-10 09:30"))
        assert case_d.duplicate_of_id == case_c.id
        city.act(case_c, "merge", china("2026-11-10 10:00"), into=case_d.id)
        city.file(case_d, china("2026-11-10 10:05"))
        assert lines(c) == [("denied_merged", 0)]
        assert lines(d) == [("filed", 10), ("first_reporter_bonus", 5)]

        elsewhere = grid_center(COMMUNITY + "019")
        case_anon = city.tip(ANONYMOUS, elsewhere, china("2026-11-11 09:00"))
        case_f = city.tip(f, elsewhere, china("2026-11-11 09:10"))
        city.act(case_f, "merge", china("2026-11-11 10:00"), into=case_anon.id)
        city.file(case_anon, china("2026-11-11 10:05"))
        assert lines(f) == [("denied_merged", 0)]
