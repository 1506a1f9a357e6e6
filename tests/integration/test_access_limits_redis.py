"""Several hosts share one Redis (INSPECTOR_REDIS_URL): abuse limits count across all of them."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
import redis

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_url() -> str:
    """The test Redis (scripts/ensure-redis starts it); unreachable fails, as PostgreSQL does."""
    url = os.environ.get("INSPECTOR_TEST_REDIS_URL", DEFAULT_REDIS)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis unreachable at {url} ({exc}); run scripts/ensure-redis")
    return url


def test_two_hosts_share_the_login_budget(app_factory, redis_url):
    settings = {"RATE_LIMITS": "on", "REDIS_URL": redis_url, "LIMIT_LOGIN_IP": "2/minute"}
    host_a, host_b = app_factory(**settings), app_factory(**settings)
    # The Redis is shared with other test runs: an address and a name of this run's own.
    tag = uuid.uuid4().bytes
    ip = f"10.{tag[0]}.{tag[1]}.{tag[2]}"
    body = {"username": f"ghost-{tag.hex()}", "password": "x"}
    env = {"REMOTE_ADDR": ip}
    a, b = host_a.test_client(), host_b.test_client()
    assert a.post("/api/v1/auth/token", json=body, environ_base=env).status_code == 401
    assert b.post("/api/v1/auth/token", json=body, environ_base=env).status_code == 401
    third = a.post("/api/v1/auth/token", json=body, environ_base=env)
    assert third.status_code == 429 and third.headers["Retry-After"]
    keys = list(redis.Redis.from_url(redis_url).scan_iter(match=f"*{ip}*"))
    assert any(f"/inspector/ip:{ip}/".encode() in k for k in keys), keys


def test_redis_down_falls_back_to_memory(app_factory):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    app = app_factory(
        RATE_LIMITS="on", REDIS_URL=f"redis://127.0.0.1:{port}/0", LIMIT_LOGIN_IP="2/minute"
    )
    client = app.test_client()
    body = {"username": "ghost", "password": "x"}
    statuses = [client.post("/api/v1/auth/token", json=body).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
