"""Small helpers shared by tests: login and bearer headers."""

from __future__ import annotations

from flask.testing import FlaskClient

from inspector.setup.demo_data import DEMO_PASSWORD


def token(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def auth(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(client, username, password)}"}
