"""Small helpers shared by tests: login and bearer headers."""

from __future__ import annotations

from flask.testing import FlaskClient

from inspector.setup.demo_data import DEMO_PASSWORD


def token(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def auth(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Bearer headers; one login per client and user (argon2 makes each login cost ~50 ms)."""
    cache = client.__dict__.setdefault("_inspector_tokens", {})
    if (username, password) not in cache:
        cache[(username, password)] = token(client, username, password)
    return {"Authorization": f"Bearer {cache[(username, password)]}"}
