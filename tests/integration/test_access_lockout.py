"""The login lockout holds under parallel guesses and tells nothing about which names exist."""

from __future__ import annotations

from collections import Counter

from inspector.access.lockout import LOCKOUT_FAILURES
from inspector.setup.demo_data import DEMO_PASSWORD

from ..helpers import auth
from ..live import live_server, post_json, run_together


def _login(client, username: str, password: str):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_unknown_wrong_and_disabled_answer_alike(demo_app):
    client = demo_app.test_client()
    admin = auth(client, "admin")
    assert client.post("/api/v1/accounts/volunteer/disable", headers=admin).status_code == 200
    unknown = _login(client, "nobody-here", DEMO_PASSWORD)
    wrong = _login(client, "dispatcher", "not-the-password")
    disabled_right = _login(client, "volunteer", DEMO_PASSWORD)  # the right password
    disabled_wrong = _login(client, "volunteer", "not-the-password")
    answers = [unknown, wrong, disabled_right, disabled_wrong]
    assert {r.status_code for r in answers} == {401}
    bodies = [r.get_json() for r in answers]
    assert all(b == bodies[0] for b in bodies)
    assert bodies[0]["error"]["code"] == "invalid_credentials"


def test_an_unknown_name_locks_like_a_real_one(demo_app):
    client = demo_app.test_client()
    for name in ("ghost", "dispatcher"):
        for _ in range(LOCKOUT_FAILURES):
            assert _login(client, name, "wrong").status_code == 401
        locked = _login(client, name, "wrong")
        assert locked.status_code == 429, name
        assert locked.get_json()["error"]["code"] == "account_locked"
        assert 15 * 60 - 60 < int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    # ... and the lock holds against the right password too; other names are untouched.
    assert _login(client, "dispatcher", DEMO_PASSWORD).status_code == 429
    assert _login(client, "Dispatcher ", DEMO_PASSWORD).status_code == 429  # same name
    assert _login(client, "supervisor", DEMO_PASSWORD).status_code == 200


def test_a_disabled_account_counts_failures_even_with_the_right_password(demo_app):
    client = demo_app.test_client()
    admin = auth(client, "admin")
    client.post("/api/v1/accounts/volunteer/disable", headers=admin)
    for _ in range(LOCKOUT_FAILURES):
        assert _login(client, "volunteer", DEMO_PASSWORD).status_code == 401
    assert _login(client, "volunteer", DEMO_PASSWORD).status_code == 429
    # Enabling the account forgets the failures.
    assert client.post("/api/v1/accounts/volunteer/enable", headers=admin).status_code == 200
    assert _login(client, "volunteer", DEMO_PASSWORD).status_code == 200


def test_thirty_parallel_guesses_get_five_password_checks(demo_app):
    """Each guess is counted before its password is checked: 5 answers 401, 25 answer 429."""
    with live_server(demo_app) as base:
        results = run_together(
            30,
            lambda i: post_json(base, "/api/v1/auth/token", {"username": "admin", "password": "x"}),
        )
    statuses = Counter(status for status, _body in results)
    assert statuses == {401: LOCKOUT_FAILURES, 429: 30 - LOCKOUT_FAILURES}, results
    codes = {body["error"]["code"] for status, body in results if status == 429}
    assert codes == {"account_locked"}


def test_tick_forgets_old_failures_and_ended_windows(demo_app):
    from datetime import timedelta

    from sqlalchemy import select

    from inspector.access.models import LoginFailure, RateCounter
    from inspector.extensions import db
    from inspector.sla.jobs import tick
    from inspector.timeutil import utcnow

    now = utcnow()
    with demo_app.app_context():
        db.session.add_all(
            [
                LoginFailure(username="old", failures=2, updated_at=now - timedelta(hours=25)),
                LoginFailure(username="recent", failures=2, updated_at=now - timedelta(hours=23)),
                RateCounter(key="ended", count=3, expires_at=now.timestamp() - 1),
                RateCounter(key="live", count=3, expires_at=now.timestamp() + 60),
            ]
        )
        db.session.commit()
        summary = tick(now)
        assert summary["login_failures_purged"] == 1 and summary["rate_counters_purged"] == 1
        assert db.session.scalars(select(LoginFailure.username)).all() == ["recent"]
        assert db.session.scalars(select(RateCounter.key)).all() == ["live"]
