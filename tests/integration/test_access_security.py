"""Security headers on every answer, HSTS behind https, CORS only for configured origins."""

from __future__ import annotations

from ..helpers import auth

ORIGIN = "https://m.minchuan.gov.cn"


def test_security_headers_on_json_and_errors(demo_client):
    for response in (
        demo_client.get("/api/v1/categories"),
        demo_client.get("/api/v1/nope"),
        demo_client.get("/api/v1/me"),
    ):
        h = response.headers
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in h  # plain http: HSTS would be ignored anyway
        assert "Access-Control-Allow-Origin" not in h
        assert "Set-Cookie" not in h


def test_personal_answers_are_not_cached(demo_client):
    response = demo_client.get("/api/v1/me", headers=auth(demo_client, "resident"))
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_behind_https_proxy(app_factory):
    app = app_factory(PROXY_COUNT=1)
    client = app.test_client()
    https = client.get("/api/v1/categories", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/api/v1/categories").headers


def test_forwarded_headers_ignored_without_proxy(demo_client):
    response = demo_client.get("/api/v1/categories", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_proxy_count_gives_limits_the_real_client_ip(app_factory):
    app = app_factory(PROXY_COUNT=1, RATE_LIMITS="on", LIMIT_LOGIN_IP="1/minute")
    client = app.test_client()
    body = {"username": "ghost", "password": "x"}

    def login(ip):
        return client.post("/api/v1/auth/token", json=body, headers={"X-Forwarded-For": ip})

    assert login("1.1.1.1").status_code == 401
    assert login("1.1.1.1").status_code == 429
    assert login("2.2.2.2").status_code == 401  # same proxy, another phone


def test_cors_only_for_configured_origins(app_factory):
    app = app_factory(CORS_ORIGINS=f"{ORIGIN}, https://admin.minchuan.gov.cn")
    client = app.test_client()
    allowed = client.get("/api/v1/categories", headers={"Origin": ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in allowed.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    other = client.get("/api/v1/categories", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/api/v1/units",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_no_cors_by_default(demo_client):
    response = demo_client.get("/api/v1/categories", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers
