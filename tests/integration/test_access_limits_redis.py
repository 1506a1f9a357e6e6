"""Several hosts share one Redis (INSPECTOR_REDIS_URL): abuse limits count across all of them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed on this machine"
)


@pytest.fixture
def redis_url(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@needs_redis
def test_two_hosts_share_the_login_budget(app_factory, redis_url):
    settings = {"RATE_LIMITS": "on", "REDIS_URL": redis_url, "LIMIT_LOGIN_IP": "2/minute"}
    host_a, host_b = app_factory(**settings), app_factory(**settings)
    body = {"username": "ghost", "password": "x"}
    env = {"REMOTE_ADDR": "10.9.9.9"}
    a, b = host_a.test_client(), host_b.test_client()
    assert a.post("/api/v1/auth/token", json=body, environ_base=env).status_code == 401
    assert b.post("/api/v1/auth/token", json=body, environ_base=env).status_code == 401
    third = a.post("/api/v1/auth/token", json=body, environ_base=env)
    assert third.status_code == 429 and third.headers["Retry-After"]
    keys = list(redis.Redis.from_url(redis_url).scan_iter())
    assert any(b"/inspector/ip:10.9.9.9/" in k for k in keys), keys


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
