"""Races on a real server: two dispatchers at once; a phone retrying the same upload at once."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from inspector.extensions import db
from inspector.models import CaseEvent, Report
from inspector.setup.demo_data import DEMO_PASSWORD

from ..images import jpeg
from ..live import live_server, run_together
from .flows import new_client_id, post_report, spot


def _login(base: str, username: str) -> dict[str, str]:
    token = requests.post(
        f"{base}/api/v1/auth/token",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=10,
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def pg_only(backend):
    if backend.name != "postgresql":
        pytest.skip("row-level races need PostgreSQL; SQLite serialises writers")


def test_two_dispatchers_at_once_one_wins(pg_only, demo_app, demo_client):
    case_id = post_report(demo_client, "gridworker").get_json()["case"]["id"]
    with live_server(demo_app) as base:
        heads = [_login(base, "dispatcher"), _login(base, "dispatcher")]
        units = ["zfj", "jjdd"]
        results = run_together(
            2,
            lambda i: requests.post(
                f"{base}/api/v1/cases/{case_id}/dispatch",
                json={"unit_code": units[i]},
                headers=heads[i],
                timeout=30,
            ),
        )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409).json()
    assert loser["error"]["code"] in ("conflict", "invalid_transition")
    with demo_app.app_context():
        dispatches = db.session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.action == "dispatch")
        )
    assert dispatches == 1


def test_parallel_retries_of_one_client_id_make_one_report(pg_only, demo_app):
    client_id = new_client_id()
    lat, lon = spot()
    image = jpeg(lat, lon)
    with live_server(demo_app) as base:
        headers = _login(base, "resident")
        results = run_together(
            6,
            lambda i: requests.post(
                f"{base}/api/v1/reports",
                data={"lat": lat, "lon": lon, "category_code": "0101", "client_id": client_id},
                files={"photo": ("p.jpg", image, "image/jpeg")},
                headers=headers,
                timeout=60,
            ),
        )
    assert all(not isinstance(r, Exception) for r in results), results
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1 and codes.count(200) == 5, [r.text for r in results]
    assert len({r.json()["id"] for r in results}) == 1
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1
