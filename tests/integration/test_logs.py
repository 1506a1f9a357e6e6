"""JSON log lines: every request ends with one line carrying its id (X-Request-ID accepted and
echoed, otherwise made), the actor, and the case number when the request is about a case."""

from __future__ import annotations

import json

from inspector.extensions import db
from tests import factories
from tests.helpers import auth


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_request_id_is_echoed_or_made(client, capsys) -> None:
    answer = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert answer.headers["X-Request-ID"] == "nginx-4f2a9c"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id; " + "x" * 200})
    assert len(made.headers["X-Request-ID"]) == 32 and " " not in made.headers["X-Request-ID"]
    lines = [line for line in _lines(capsys.readouterr().err) if line["msg"] == "request"]
    assert [(line["request_id"], line["path"], line["status"]) for line in lines] == [
        ("nginx-4f2a9c", "/healthz", 200),
        (made.headers["X-Request-ID"], "/healthz", 200),
    ]
    assert "actor" not in lines[0] and "case" not in lines[0]  # anonymous, no case
    assert lines[0]["level"] == "info" and lines[0]["ms"] >= 0


def test_case_requests_name_actor_and_case(demo_app, demo_client, capsys) -> None:
    with demo_app.app_context():
        case = factories.make_case(status="new", number="2026112899901")
        db.session.commit()
        case_id = case.id
    headers = auth(demo_client, "dispatcher")
    capsys.readouterr()
    shown = demo_client.get(f"/api/v1/cases/{case_id}", headers={**headers, "X-Request-ID": "r-1"})
    assert shown.status_code == 200
    missing = demo_client.get("/api/v1/cases/999999", headers={**headers, "X-Request-ID": "r-2"})
    assert missing.status_code == 404 and missing.headers["X-Request-ID"] == "r-2"
    lines = {line["request_id"]: line for line in _lines(capsys.readouterr().err)}
    assert lines["r-1"]["actor"] == "dispatcher" and lines["r-1"]["role"] == "dispatcher"
    assert lines["r-1"]["case"] == "2026112899901" and lines["r-1"]["status"] == 200
    assert "case" not in lines["r-2"] and lines["r-2"]["status"] == 404
