"""Parallel filings on a real server (PostgreSQL: row locks; SQLite serialises writers anyway):
the place x category x day slot pays once and the monthly cap holds, however the filings
interleave. Each filing is its own request on its own connection, as two dispatchers would."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from inspector.extensions import db
from inspector.rewards.models import RewardEntry
from inspector.setup.demo import grid_center
from inspector.setup.demo_data import DEMO_PASSWORD

from ..live import live_server, run_together
from .test_rewards import COMMUNITY, PLACE, City, china, north


@pytest.fixture
def pg_only(backend):
    if backend.name != "postgresql":
        pytest.skip("row-level races need PostgreSQL; SQLite serialises writers")


def test_parallel_filings_pay_one_slot_once_and_keep_the_cap(pg_only, app_factory):
    app = app_factory(REWARD_MONTHLY_CAP=35)
    with app.app_context():
        city = City()
        crowd = [city.person(f"rr_{i}") for i in range(6)]
        heavy = city.person("rr_heavy")
        cases = [
            city.tip(who, north(PLACE, i), china("2026-11-10 09:00")) for i, who in enumerate(crowd)
        ]
        sites = [grid_center(COMMUNITY + g) for g in ("001", "013", "019", "025")]
        cases += [city.tip(heavy, site, china("2026-11-10 09:00")) for site in sites]
        case_ids = [case.id for case in cases]
        db.session.commit()
    with live_server(app) as base:
        token = requests.post(
            f"{base}/api/v1/auth/token",
            json={"username": "dispatcher", "password": DEMO_PASSWORD},
            timeout=10,
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        results = run_together(
            len(case_ids),
            lambda i: requests.post(
                f"{base}/api/v1/cases/{case_ids[i]}/file", json={}, headers=headers, timeout=60
            ),
        )
    assert [r.status_code for r in results] == [200] * len(case_ids), [r.text for r in results]
    with app.app_context():
        crowd_ids = [who.account_id for who in crowd]
        paid = db.session.scalar(
            select(func.count())
            .select_from(RewardEntry)
            .where(RewardEntry.account_id.in_(crowd_ids), RewardEntry.code == "filed")
        )
        denied = db.session.scalar(
            select(func.count())
            .select_from(RewardEntry)
            .where(
                RewardEntry.account_id.in_(crowd_ids),
                RewardEntry.code == "denied_same_place_day",
            )
        )
        assert (paid, denied) == (1, 5)
        heavy_total = db.session.scalar(
            select(func.sum(RewardEntry.points)).where(RewardEntry.account_id == heavy.account_id)
        )
        assert heavy_total == 35  # 15 + 15 + 5 (trimmed) + 0, in whatever order they ran
