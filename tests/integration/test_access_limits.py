"""Abuse limits (per IP, per login name, per account) and the login lockout."""

from __future__ import annotations

from datetime import timedelta

from inspector.access.auth import public
from inspector.access.limits import bind_budgets, rate_limited
from inspector.access.lockout import LOCKOUT_FAILURES
from inspector.access.models import LoginFailure
from inspector.extensions import db
from inspector.timeutil import utcnow

from ..helpers import auth

GOOD = {"username": "dispatcher", "password": "Demo@2026"}


def _login(client, body, ip="10.0.0.1"):
    return client.post("/api/v1/auth/token", json=body, environ_base={"REMOTE_ADDR": ip})


def _assert_429(response, code="rate_limited"):
    assert response.status_code == 429, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert int(response.headers["Retry-After"]) > 0


def test_login_limited_per_ip(app_factory):
    app = app_factory(RATE_LIMITS="on", LIMIT_LOGIN_IP="3/minute", LIMIT_LOGIN_USER="100/minute")
    client = app.test_client()
    for name in ("a1", "a2", "a3"):
        assert _login(client, {"username": name, "password": "x"}).status_code == 401
    _assert_429(_login(client, GOOD))
    assert _login(client, GOOD, ip="10.0.0.2").status_code == 200


def test_login_limited_per_username_across_ips(app_factory):
    app = app_factory(RATE_LIMITS="on", LIMIT_LOGIN_IP="100/minute", LIMIT_LOGIN_USER="2/minute")
    client = app.test_client()
    bad = {"username": "Admin", "password": "guess"}
    assert _login(client, bad, ip="10.0.1.1").status_code == 401
    assert _login(client, bad, ip="10.0.1.2").status_code == 401
    _assert_429(_login(client, {"username": "admin", "password": "x"}, ip="10.0.1.3"))
    assert _login(client, GOOD, ip="10.0.1.3").status_code == 200


def test_limits_off_by_setting(app_factory):
    app = app_factory(RATE_LIMITS="off", LIMIT_LOGIN_IP="1/minute", LIMIT_LOGIN_USER="1/minute")
    client = app.test_client()
    for _ in range(3):
        assert _login(client, {"username": "ghost", "password": "x"}).status_code == 401
    assert "inspector_limiter" not in app.extensions


def test_submit_budget_counts_per_account_and_per_ip(app_factory):
    app = app_factory(RATE_LIMITS="on", LIMIT_SUBMIT_IP="5/minute", LIMIT_SUBMIT_ACCOUNT="2/minute")

    @public("test endpoint spending the submission budget")
    @rate_limited("submit")
    def submit():
        return {"ok": True}, 201

    limited = bind_budgets(app.extensions["inspector_limiter"], submit)
    app.add_url_rule("/api/v1/test-submit", view_func=limited, methods=["POST"])
    client = app.test_client()
    one, two = auth(client, "resident"), auth(client, "volunteer")

    def post(headers, ip="10.0.2.1"):
        return client.post("/api/v1/test-submit", headers=headers, environ_base={"REMOTE_ADDR": ip})

    assert post(one).status_code == 201 and post(one).status_code == 201
    _assert_429(post(one, ip="10.0.2.9"))  # the account's budget follows it to another IP
    assert post(two).status_code == 201 and post(two).status_code == 201
    assert post({}).status_code == 201  # anonymous: the 5th from this IP
    _assert_429(post({}))  # the IP's budget is spent
    assert post({}, ip="10.0.2.2").status_code == 201


def test_lockout_after_repeated_failures_then_expiry(demo_app):
    client = demo_app.test_client()
    wrong = dict(GOOD, password="wrong")
    for _ in range(LOCKOUT_FAILURES):
        assert _login(client, wrong).status_code == 401
    locked = _login(client, GOOD)  # even the right password waits out the lock
    _assert_429(locked, "account_locked")
    assert 800 < int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    assert _login(client, {"username": "supervisor", "password": "Demo@2026"}).status_code == 200
    with demo_app.app_context():
        row = db.session.get(LoginFailure, "dispatcher")
        assert row.failures == LOCKOUT_FAILURES  # the refused try checked nothing, counted nothing
        row.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert _login(client, GOOD).status_code == 200
    with demo_app.app_context():
        assert db.session.get(LoginFailure, "dispatcher") is None


def test_success_resets_the_failure_count(demo_client):
    wrong = dict(GOOD, password="wrong")
    for _ in range(LOCKOUT_FAILURES - 1):
        assert _login(demo_client, wrong).status_code == 401
    assert _login(demo_client, GOOD).status_code == 200
    for _ in range(LOCKOUT_FAILURES - 1):
        assert _login(demo_client, wrong).status_code == 401
    assert _login(demo_client, GOOD).status_code == 200


def test_unknown_user_and_wrong_password_look_alike(demo_client):
    unknown = _login(demo_client, {"username": "nobody", "password": "x"})
    wrong = _login(demo_client, {"username": "admin", "password": "x"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()
