"""Accounts: admin management, disable/enable with token revocation, /me, logout, token expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspector.access.models import Account, ApiToken
from inspector.access.service import actor_for_token, issue_token
from inspector.extensions import db
from inspector.timeutil import utcnow

from ..helpers import auth, token

NEW = {
    "username": "wangwu",
    "password": "Secret@2026",
    "role": "dispatcher",
    "zone_codes": ["429902"],
    "display_name": "东城座席员王五",
    "phone": "13900139000",
}


def test_admin_creates_zone_bound_dispatcher_who_logs_in(demo_client):
    admin = auth(demo_client, "admin")
    response = demo_client.post("/api/v1/accounts", json=NEW, headers=admin)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["zone_codes"] == ["429902"] and body["phone"] == "13900139000"
    assert "password" not in body and "password_hash" not in body
    login = demo_client.post(
        "/api/v1/auth/token", json={"username": "wangwu", "password": "Secret@2026"}
    ).get_json()
    assert login["role"] == "dispatcher" and login["zone_codes"] == ["429902"]
    me = demo_client.get("/api/v1/me", headers={"Authorization": f"Bearer {login['token']}"})
    me = me.get_json()
    assert me["zones"] == [{"code": "429902", "name": "东城区", "level": "district"}]
    assert me["phone"] == "13900139000" and me["unit"] is None


def test_existing_username_is_409_and_password_untouched(demo_client):
    admin = auth(demo_client, "admin")
    body = dict(NEW, username="volunteer", role="volunteer", zone_codes=[])
    response = demo_client.post("/api/v1/accounts", json=body, headers=admin)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "username_taken"
    assert token(demo_client, "volunteer")  # the demo password still works


def test_account_bindings_are_checked(demo_client):
    admin = auth(demo_client, "admin")
    cases = [
        dict(NEW, role="unit_staff", zone_codes=[]),  # unit staff without a unit
        dict(NEW, role="resident", zone_codes=[], unit_code="zfj"),  # unit on a resident
        dict(NEW, role="resident", zone_codes=["429901"]),  # zones on a resident
        dict(NEW, zone_codes=["999999"]),  # unknown zone
        dict(NEW, role="unit_staff", unit_code="nope", zone_codes=[]),  # unknown unit
        dict(NEW, role="king"),
        dict(NEW, password="short"),
        dict(NEW, username="bad name!"),
    ]
    for body in cases:
        response = demo_client.post("/api/v1/accounts", json=body, headers=admin)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["code"] == "invalid_input"


def test_unit_staff_account_shows_unit(demo_client):
    headers = auth(demo_client, "unitstaff")
    me = demo_client.get("/api/v1/me", headers=headers).get_json()
    assert me["role"] == "unit_staff"
    assert me["unit"] == {"code": "zfj", "name": "综合执法局"} and me["unit_code"] == "zfj"
    gw = demo_client.get("/api/v1/me", headers=auth(demo_client, "gridworker")).get_json()
    assert len(gw["zones"]) == 25 and all(z["level"] == "grid" for z in gw["zones"])


def test_disable_revokes_tokens_keeps_history_enable_restores(demo_app):
    client = demo_app.test_client()
    admin = auth(client, "admin")
    victim = auth(client, "volunteer")
    assert client.get("/api/v1/me", headers=victim).status_code == 200
    response = client.post("/api/v1/accounts/volunteer/disable", headers=admin)
    assert response.status_code == 200 and response.get_json()["active"] is False
    refused = client.get("/api/v1/me", headers=victim)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    login = client.post(
        "/api/v1/auth/token", json={"username": "volunteer", "password": "Demo@2026"}
    )
    # The right password on a disabled account answers like a wrong one (issue 9: it told).
    assert login.status_code == 401 and login.get_json()["error"]["code"] == "invalid_credentials"
    with demo_app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "volunteer"))
        rows = db.session.scalars(select(ApiToken).where(ApiToken.account_id == account.id)).all()
        assert rows and all(r.revoked_at is not None for r in rows)  # history kept, not deleted
    listed = client.get("/api/v1/accounts?active=false", headers=admin).get_json()["items"]
    assert [a["username"] for a in listed] == ["volunteer"]
    assert client.post("/api/v1/accounts/volunteer/enable", headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=victim).status_code == 401  # old tokens stay dead
    assert token(client, "volunteer")


def test_admin_cannot_disable_self_and_unknown_is_404(demo_client):
    admin = auth(demo_client, "admin")
    response = demo_client.post("/api/v1/accounts/admin/disable", headers=admin)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "cannot_disable_self"
    assert demo_client.post("/api/v1/accounts/nobody/disable", headers=admin).status_code == 404


def test_account_list_filters(demo_client):
    admin = auth(demo_client, "admin")
    items = demo_client.get("/api/v1/accounts?unit_code=zfj", headers=admin).get_json()["items"]
    assert [a["username"] for a in items] == ["unitstaff"]
    items = demo_client.get("/api/v1/accounts?role=grid_worker", headers=admin).get_json()["items"]
    assert [a["username"] for a in items] == ["gridworker"]


def test_logout_revokes_only_that_token(demo_client):
    # two separate logins (auth() would reuse one cached token)
    first, second = (
        {"Authorization": f"Bearer {token(demo_client, 'dispatcher')}"} for _ in range(2)
    )
    assert demo_client.delete("/api/v1/auth/token", headers=first).status_code == 204
    assert demo_client.get("/api/v1/me", headers=first).status_code == 401
    assert demo_client.get("/api/v1/me", headers=second).status_code == 200


def test_expired_token_is_refused(demo_app):
    with demo_app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "admin"))
        raw, row = issue_token(account, 1)
        db.session.commit()
        assert actor_for_token(raw) is not None
        assert actor_for_token(raw, now=utcnow() + timedelta(hours=1, seconds=1)) is None
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = demo_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_tokens_are_stored_hashed(demo_app):
    client = demo_app.test_client()
    raw = token(client, "admin")
    with demo_app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert raw not in stored and all(len(h) == 64 for h in stored)


def test_cookies_never_authenticate(demo_client):
    raw = token(demo_client, "admin")
    for name in ("token", "session", "Authorization", "access_token"):
        demo_client.set_cookie(name, raw)
        demo_client.set_cookie(name, f"Bearer {raw}")
    response = demo_client.get("/api/v1/me")
    assert response.status_code == 401
    assert demo_client.post("/api/v1/units", json={"code": "c", "name": "c"}).status_code == 401
    login = demo_client.post(
        "/api/v1/auth/token", json={"username": "admin", "password": "Demo@2026"}
    )
    assert "Set-Cookie" not in login.headers
