"""A database that is down (restarting, failing over) answers 503 `database_unavailable` with
Retry-After, not a 500: nothing was stored, and phones resend with their client_id."""

from __future__ import annotations

import socket

from ..conftest import make_app


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nobody listens once the socket is closed


def test_requests_while_the_database_is_down_get_503(tmp_path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/inspector"
    app = make_app(url, tmp_path)
    answer = app.test_client().post(
        "/api/v1/auth/token", json={"username": "dispatcher", "password": "x" * 12}
    )
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "database_unavailable"
    assert answer.headers["Retry-After"] == "5"
