"""A retried upload gets the first answer only from its own sender (issue 9, item 1).

The probe: staff answers showed an anonymous report's client_id; an anonymous POST with that
client_id was taken for a retry and answered the reporter's tracking token, with which the case
could be rated in the reporter's name.
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from inspector.extensions import db
from inspector.models import CaseEvent, Report

from ..helpers import auth
from ..images import jpeg
from ..live import live_server, run_together
from .flows import act, act_on_site, new_client_id, post_report, spot

SECRET = "kept-by-the-phone-7f3a9c21e4b8"


def _client_ids_in(value) -> list[str]:  # noqa: ANN001
    """Every client_id value anywhere in a JSON answer (reports nest in cases)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "client_id" and item is not None:
                found.append(item)
            found += _client_ids_in(item)
    elif isinstance(value, list):
        for item in value:
            found += _client_ids_in(item)
    return found


def test_staff_never_see_a_client_id_and_a_copied_one_gets_no_token(demo_client, demo_app):
    c = demo_client
    client_id = new_client_id()
    first = post_report(c, None, client_id=client_id, retry_secret=SECRET)
    assert first.status_code == 201
    body = first.get_json()
    token, report_id, case_id = body["tracking_token"], body["id"], body["case"]["id"]
    assert body["client_id"] == client_id  # the sender's own answer may carry it

    for staff in ("dispatcher", "gridworker", "supervisor", "admin"):
        case = c.get(f"/api/v1/cases/{case_id}", headers=auth(c, staff))
        report = c.get(f"/api/v1/reports/{report_id}", headers=auth(c, staff))
        listed = c.get("/api/v1/cases", headers=auth(c, staff))
        for answer in (case, report, listed):
            assert answer.status_code == 200, (staff, answer.get_json())
            assert _client_ids_in(answer.get_json()) == [], staff

    # Someone who learnt the client_id (an insider, a log) replays it anonymously ...
    for proof in ({}, {"retry_secret": "guessed-secret-000000000"}, {"tracking_token": "x" * 32}):
        stolen = post_report(c, None, client_id=client_id, **proof)
        assert stolen.status_code == 409, proof
        answer = stolen.get_json()
        assert answer["error"]["code"] == "client_id_conflict"
        assert token not in stolen.get_data(as_text=True)
        assert "id" not in answer and "tracking_token" not in answer
    # ... or with an account: the same refusal.
    assert post_report(c, "resident", client_id=client_id).status_code == 409

    # The real phone proves itself with its retry secret, or with the token it already has.
    again = post_report(c, None, client_id=client_id, retry_secret=SECRET)
    assert again.status_code == 200 and again.get_json()["tracking_token"] == token
    with_token = post_report(c, None, client_id=client_id, tracking_token=token)
    assert with_token.status_code == 200 and with_token.get_json()["id"] == report_id
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_without_a_retry_secret_an_anonymous_client_id_cannot_be_replayed(demo_client):
    """The token is random then: nothing but the token itself gets the first answer back."""
    c = demo_client
    client_id = new_client_id()
    first = post_report(c, None, client_id=client_id).get_json()
    retry = post_report(c, None, client_id=client_id)
    assert retry.status_code == 409 and "tracking_token" not in retry.get_json()
    assert first["tracking_token"] not in retry.get_data(as_text=True)
    proven = post_report(c, None, client_id=client_id, tracking_token=first["tracking_token"])
    assert proven.status_code == 200 and proven.get_json()["id"] == first["id"]
    # Two reports with the same retry secret but other client_ids get unrelated tokens.
    a = post_report(c, None, client_id=new_client_id(), retry_secret=SECRET).get_json()
    b = post_report(c, None, client_id=new_client_id(), retry_secret=SECRET).get_json()
    assert a["tracking_token"] != b["tracking_token"]


def test_a_stolen_client_id_cannot_rate_in_the_reporters_name(demo_client):
    """The probe's end-to-end: the case is closed, the thief cannot get a token to rate with."""
    c = demo_client
    client_id = new_client_id()
    posted = post_report(c, None, client_id=client_id, retry_secret=SECRET).get_json()
    case_id = posted["case"]["id"]
    act_on_site(c, "gridworker", case_id, "verify")
    act(c, "dispatcher", case_id, "file")
    act(c, "dispatcher", case_id, "dispatch")
    act_on_site(c, "unitstaff", case_id, "rectify")
    act_on_site(c, "gridworker", case_id, "check", passed=True)
    stolen = post_report(c, None, client_id=client_id).get_json()
    assert "tracking_token" not in stolen
    # Without the token, rating is refused; with the reporter's own token it works.
    assert act(c, None, case_id, "rate", headers={}, score=1).status_code == 404
    mine = act(c, None, case_id, "rate", headers={}, score=4, token=posted["tracking_token"])
    assert mine.status_code == 200


def test_retry_secret_must_be_long_enough(demo_client):
    short = post_report(demo_client, None, client_id=new_client_id(), retry_secret="1234")
    assert short.status_code == 422 and short.get_json()["error"]["code"] == "invalid_input"


@pytest.fixture
def pg_only(backend):
    if backend.name != "postgresql":
        pytest.skip("row-level races need PostgreSQL; SQLite serialises writers")


def test_parallel_anonymous_retries_make_one_report_and_one_token(pg_only, demo_app):
    client_id = new_client_id()
    lat, lon = spot()
    image = jpeg(lat, lon)
    with live_server(demo_app) as base:
        results = run_together(
            6,
            lambda i: requests.post(
                f"{base}/api/v1/reports",
                data={
                    "lat": lat,
                    "lon": lon,
                    "category_code": "0101",
                    "client_id": client_id,
                    "retry_secret": SECRET,
                },
                files={"photo": ("p.jpg", image, "image/jpeg")},
                timeout=60,
            ),
        )
        thief = requests.post(
            f"{base}/api/v1/reports",
            data={"lat": lat, "lon": lon, "client_id": client_id},
            files={"photo": ("p.jpg", image, "image/jpeg")},
            timeout=60,
        )
    assert all(not isinstance(r, Exception) for r in results), results
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 200, 200, 200, 200, 201], [r.text for r in results]
    assert len({r.json()["tracking_token"] for r in results}) == 1
    assert thief.status_code == 409 and "tracking_token" not in thief.json()
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Report)) == 1
        assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == 1
