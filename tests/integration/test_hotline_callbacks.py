"""12345 回访: the sample's size, period, weighting and reproducibility; recorded outcomes and
the follow-up case of an unsatisfied one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inspector.extensions import db
from inspector.hotline.callbacks import months_before
from inspector.timeutil import CHINA, utcnow
from inspector.workflow.audit import compare_case, replay
from inspector.workflow.models import Case

from ..factories import make_case
from ..helpers import auth
from .flows import GRID


def _plant(app) -> dict[str, set[int]]:
    """10 hotline cases closed ~1 month ago, 10 closed ~4.5 months ago, 2 closed 7 months ago,
    one open hotline case and two closed tips."""
    now = utcnow()
    groups: dict[str, set[int]] = {"recent": set(), "older": set(), "out": set()}
    with app.app_context():
        for i in range(10):
            groups["recent"].add(_closed(now - timedelta(days=30 + i), f"R{i}").id)
            groups["older"].add(_closed(now - timedelta(days=135 + i), f"O{i}").id)
        for i in range(2):
            groups["out"].add(_closed(now - timedelta(days=215 + i), f"X{i}").id)
        make_case(status="dispatched", source="hotline", grid_code=GRID, ticket_no="OPEN1")
        for _ in range(2):
            make_case(status="closed", source="tip", grid_code=GRID, closed_at=now)
        db.session.commit()
    return groups


def _closed(closed_at: datetime, ticket: str):
    return make_case(
        status="closed",
        source="hotline",
        grid_code=GRID,
        category_code="0101",
        unit_code="zfj",
        ticket_no=ticket,
        closed_at=closed_at,
        created_at=closed_at - timedelta(days=2),
    )


def _sample(client, **query):
    got = client.get(
        "/api/v1/hotline/callbacks", query_string=query, headers=auth(client, "dispatcher")
    )
    assert got.status_code == 200, got.get_json()
    return got.get_json()


def test_sample_period_size_and_reproducibility(demo_client, demo_app):
    c = demo_client
    groups = _plant(demo_app)
    everything = _sample(c)  # size 200, 6 months
    ids = [i["case_id"] for i in everything["items"]]
    assert everything["population"] == 20 and len(ids) == 20
    assert set(ids) == groups["recent"] | groups["older"]
    assert {i["recent"] for i in everything["items"] if i["case_id"] in groups["older"]} == {False}
    assert isinstance(everything["seed"], int)
    closed = [i["closed_at"] for i in everything["items"]]
    assert closed == sorted(closed, reverse=True)  # newest first

    three = _sample(c, months=3)
    assert {i["case_id"] for i in three["items"]} == groups["recent"]

    first = _sample(c, size=5, seed=7)
    again = _sample(c, size=5, seed=7)
    assert len(first["items"]) == 5 and first["items"] == again["items"]
    others = [_sample(c, size=5, seed=s)["items"] for s in (8, 9, 10)]
    assert any(o != first["items"] for o in others)
    # a list drawn without a seed can be drawn again with the seed it reports
    unseeded = _sample(c, size=5)
    assert _sample(c, size=5, seed=unseeded["seed"])["items"] == unseeded["items"]

    bad = c.get("/api/v1/hotline/callbacks?size=0", headers=auth(c, "dispatcher"))
    assert bad.status_code == 422
    assert c.get("/api/v1/hotline/callbacks", headers=auth(c, "unitstaff")).status_code == 403


def test_sample_is_weighted_to_the_last_three_months(demo_app):
    from inspector.hotline.callbacks import sample

    groups = _plant(demo_app)
    with demo_app.app_context():
        recent = total = 0
        for seed in range(100):
            drawn = sample(utcnow(), 10, 6, seed)["items"]
            recent += sum(1 for i in drawn if i["case_id"] in groups["recent"])
            total += len(drawn)
    # Unweighted, half of each draw of 10 out of 10+10 would be recent (0.5). Twice the weight
    # makes the first pick recent with 2/3 and the share of the whole draw somewhat lower (the
    # recent ones run out): it must be clearly above one half, and the older months still count.
    assert total == 1000
    assert 0.56 < recent / total < 0.75


def test_months_are_calendar_months_in_china_time():
    # 2026-08-31 12:00 China; six months earlier is February 28 (clamped), from midnight
    now = datetime(2026, 8, 31, 4, 0, tzinfo=UTC)
    assert months_before(now, 6) == datetime(2026, 2, 28, tzinfo=CHINA)
    # 2026-01-15 01:00 China is still January 14 in UTC: the China day counts
    now = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)
    assert months_before(now, 3) == datetime(2025, 10, 15, tzinfo=CHINA)


def test_callbacks_are_recorded_and_unsatisfied_opens_a_follow_up(demo_client, demo_app):
    c = demo_client
    groups = _plant(demo_app)
    happy, unhappy = sorted(groups["recent"])[:2]
    headers = auth(c, "dispatcher")
    ok = c.post(
        f"/api/v1/hotline/callbacks/{happy}", json={"outcome": "satisfied"}, headers=headers
    )
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["satisfied"] is True and "follow_up_case_id" not in ok.get_json()

    no = c.post(
        f"/api/v1/hotline/callbacks/{unhappy}",
        json={"outcome": "unsatisfied", "note": "摊贩第二天又来了"},
        headers=headers,
    )
    assert no.status_code == 200, no.get_json()
    follow_up = no.get_json()["follow_up_case_id"]
    timeline = c.get(f"/api/v1/cases/{unhappy}", headers=headers).get_json()["timeline"]
    assert timeline[-1]["action"] == "callback"
    assert (
        timeline[-1]["data"]["outcome"] == "unsatisfied"
        and timeline[-1]["note"] == "摊贩第二天又来了"
    )
    new = c.get(f"/api/v1/cases/{follow_up}", headers=headers).get_json()
    assert new["status"] == "filed" and new["category_code"] == "0101"
    assert new["grid_code"] == GRID and "摊贩第二天又来了" in new["description"]

    listed = {i["case_id"]: i for i in _sample(c, seed=1)["items"]}
    assert listed[happy]["callback_outcome"] == "satisfied"
    assert listed[unhappy]["callback_outcome"] == "unsatisfied"

    with demo_app.app_context():
        open_id = make_case(status="dispatched", source="hotline", grid_code=GRID).id
        tip_id = make_case(status="closed", source="tip", grid_code=GRID).id
        db.session.commit()
    still_open = c.post(
        f"/api/v1/hotline/callbacks/{open_id}", json={"outcome": "satisfied"}, headers=headers
    )
    assert still_open.status_code == 409
    tip = c.post(
        f"/api/v1/hotline/callbacks/{tip_id}", json={"outcome": "satisfied"}, headers=headers
    )
    assert tip.status_code == 404
    with demo_app.app_context():  # the follow-up's row agrees with its timeline (audit replay)
        made = db.session.get(Case, follow_up)
        assert compare_case(made, replay(made.events)) == []
    wrong = c.post(f"/api/v1/hotline/callbacks/{happy}", json={"outcome": "great"}, headers=headers)
    assert wrong.status_code == 422
