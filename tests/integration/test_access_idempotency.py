"""Idempotency-Key on POST views: a retry returns the first answer and changes nothing."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import func, select, update
from werkzeug.serving import make_server

from inspector.access.auth import require_roles
from inspector.access.idempotency import (
    _claim,
    _hold,
    _release,
    idempotent,
    purge_idempotency_records,
    request_digest,
)
from inspector.access.models import Account, IdempotencyRecord
from inspector.access.roles import ADMIN
from inspector.access.service import create_account
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.org.models import Unit
from inspector.org.service import unit_json, upsert_unit
from inspector.timeutil import utcnow

from ..helpers import auth

UNIT = {"code": "idem1", "name": "幂等测试单位", "kind": "department"}


def _key() -> str:
    return str(uuid.uuid4())


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_retry_returns_first_answer(demo_app):
    client = demo_app.test_client()
    headers = dict(auth(client, "admin"), **{"Idempotency-Key": _key()})
    first = client.post("/api/v1/units", json=UNIT, headers=headers)
    again = client.post("/api/v1/units", json=dict(reversed(list(UNIT.items()))), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(demo_app, Unit, Unit.code == "idem1") == 1
    assert _count(demo_app, IdempotencyRecord) == 1


def test_same_key_other_body_is_422(demo_client):
    headers = dict(auth(demo_client, "admin"), **{"Idempotency-Key": _key()})
    assert demo_client.post("/api/v1/units", json=UNIT, headers=headers).status_code == 201
    other = dict(UNIT, name="另一个单位")
    response = demo_client.post("/api/v1/units", json=other, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_scoped_per_account(demo_app):
    with demo_app.app_context():
        create_account("admin2", "Demo@2026", ADMIN)
        db.session.commit()
    client = demo_app.test_client()
    key = _key()
    for who, name in (("admin", "甲"), ("admin2", "乙")):
        headers = dict(auth(client, who), **{"Idempotency-Key": key})
        response = client.post("/api/v1/units", json=dict(UNIT, name=name), headers=headers)
        assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers


def test_failed_request_releases_the_key(demo_app):
    client = demo_app.test_client()
    headers = dict(auth(client, "admin"), **{"Idempotency-Key": _key()})
    bad = client.post("/api/v1/units", json=dict(UNIT, kind="castle"), headers=headers)
    assert bad.status_code == 422
    assert _count(demo_app, IdempotencyRecord) == 0
    good = client.post("/api/v1/units", json=UNIT, headers=headers)
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers


def test_no_key_no_record_and_bad_key_refused(demo_app):
    client = demo_app.test_client()
    headers = auth(client, "admin")
    assert client.post("/api/v1/units", json=UNIT, headers=headers).status_code == 201
    assert _count(demo_app, IdempotencyRecord) == 0
    for key in ("short", "x" * 121, "has space in it 123456", "中文中文中文中文中文中文中文中文"):
        bad = dict(headers, **{"Idempotency-Key": key})
        response = client.post("/api/v1/units", json=UNIT, headers=bad)
        assert response.status_code == 422, key


def test_in_progress_is_409_until_its_claimant_is_gone(demo_app):
    """Another process claimed the key and is still at work: a retry is told so (409). Once that
    process is gone (its work rolled back), a retry runs the request. On PostgreSQL a process at
    work holds the record's row lock, and a dead one's connection drops it: the retry knows at
    once. SQLite has no row locks: there the claim must be STALE_AFTER (10 minutes) old."""
    client = demo_app.test_client()
    key = _key()
    headers = dict(auth(client, "admin"), **{"Idempotency-Key": key})
    postgres = demo_app.config["TEST_BACKEND"] == "postgresql"
    with demo_app.test_request_context("/api/v1/units", method="POST", json=UNIT):
        digest = request_digest()
    with demo_app.app_context():  # the other process: its claim committed, its view running
        admin = db.session.scalar(select(Account).where(Account.username == "admin"))
        record = IdempotencyRecord(
            scope=f"a{admin.id}:units.create_unit", key=key, request_hash=digest
        )
        db.session.add(record)
        db.session.commit()
        record_id = record.id
        at_work = db.engine.connect()  # what its view's transaction holds
        if postgres:
            at_work.execute(
                select(IdempotencyRecord.id)
                .where(IdempotencyRecord.id == record_id)
                .with_for_update()
            )
    try:
        for _ in range(2):
            busy = client.post("/api/v1/units", json=UNIT, headers=headers)
            assert busy.status_code == 409
            assert busy.get_json()["error"]["code"] == "idempotency_in_progress"
            assert busy.headers["Retry-After"]
        assert _count(demo_app, Unit, Unit.code == "idem1") == 0
        assert _count(demo_app, IdempotencyRecord, IdempotencyRecord.id == record_id) == 1
    finally:
        at_work.close()  # the process dies: its connection, transaction and row lock go with it
    if not postgres:
        with demo_app.app_context():  # SQLite cannot tell: only the claim's age can
            young = client.post("/api/v1/units", json=UNIT, headers=headers)
            assert young.status_code == 409
            db.session.execute(
                update(IdempotencyRecord).values(created_at=utcnow() - timedelta(minutes=11))
            )
            db.session.commit()
    taken = client.post("/api/v1/units", json=UNIT, headers=headers)
    assert taken.status_code == 201 and "Idempotent-Replayed" not in taken.headers
    assert _count(demo_app, Unit, Unit.code == "idem1") == 1
    again = client.post("/api/v1/units", json=UNIT, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == taken.get_json()
    assert _count(demo_app, Unit, Unit.code == "idem1") == 1


def test_a_claim_taken_over_is_no_longer_the_slow_claimants(demo_app):
    """The narrow case of a takeover on PostgreSQL: the first request committed its claim but
    had not yet taken the row lock when a retry, finding the lock free, took the claim over.
    The first one must then not run the view (409), and its release must not delete the
    retry's claim: otherwise the retry's answer could not be stored and a third copy would run
    the request again."""
    if demo_app.config["TEST_BACKEND"] != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite takes over by age only (test above)")
    scope, key = "a1:units.create_unit", _key()
    with demo_app.app_context():
        first = _claim(scope, key, "d" * 64)
        db.session.remove()
    with demo_app.app_context():
        second = _claim(scope, key, "d" * 64)
        db.session.remove()
    assert second[0] == first[0] and second[1] != first[1]  # the same record, a new owner
    with demo_app.app_context():
        with pytest.raises(ApiError) as late:
            _hold(*first)
        assert (late.value.status, late.value.code) == (409, "idempotency_in_progress")
        db.session.rollback()
        _release(*first)  # what the first request's rollback runs
        db.session.commit()
        _hold(*second)  # the retry's own claim: it gets the lock and runs
        # A third copy meanwhile (its own app context: another session and connection).
        with pytest.raises(ApiError, match="in progress"), demo_app.app_context():
            _claim(scope, key, "d" * 64)
        db.session.rollback()
    assert _count(demo_app, IdempotencyRecord, IdempotencyRecord.key == key) == 1


def test_old_answers_are_purged(demo_app):
    client = demo_app.test_client()
    headers = dict(auth(client, "admin"), **{"Idempotency-Key": _key()})
    assert client.post("/api/v1/units", json=UNIT, headers=headers).status_code == 201
    with demo_app.app_context():
        assert purge_idempotency_records() == 0
        assert purge_idempotency_records(now=utcnow() + timedelta(hours=49)) == 1
        db.session.commit()
    assert _count(demo_app, IdempotencyRecord) == 0


# --- two processes' worth of concurrency: a real server, two threads, one key -------------------


@pytest.fixture
def live(app_factory):
    """A real HTTP server on the demo city, with one slow endpoint that creates a fresh row."""
    app = app_factory()

    @require_roles(ADMIN)
    @idempotent
    def slow_unit():
        unit = upsert_unit(f"u{uuid.uuid4().hex[:10]}", request.get_json()["name"])
        time.sleep(0.3)  # both copies are in flight at the same moment
        return unit_json(unit), 201  # the request owner commits the row and the stored answer

    app.add_url_rule("/api/v1/test-slow-units", view_func=slow_unit, methods=["POST"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, server.server_port
    finally:
        server.shutdown()
        thread.join(5)


def _post(port: int, path: str, body: dict, headers: dict) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST", path, json.dumps(body), dict(headers, **{"Content-Type": "application/json"})
    )
    response = conn.getresponse()
    data = json.loads(response.read() or b"null")
    conn.close()
    return response.status, dict(response.getheaders()), data


def _race(port: int, path: str, body: dict, headers: dict) -> list[tuple[int, dict, dict]]:
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = _post(port, path, body, headers)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _check_one_winner(results) -> None:
    fresh = [r for r in results if r[0] == 201 and "Idempotent-Replayed" not in r[1]]
    assert len(fresh) == 1, results
    for status, _headers, data in results:
        if status == 201:
            assert data == fresh[0][2]
        else:
            assert status == 409 and data["error"]["code"] == "idempotency_in_progress", data


def _login(port: int) -> dict[str, str]:
    status, _h, data = _post(
        port, "/api/v1/auth/token", {"username": "admin", "password": "Demo@2026"}, {}
    )
    assert status == 200
    return {"Authorization": f"Bearer {data['token']}"}


def test_two_copies_at_once_create_one_row(live):
    app, port = live
    before = _count(app, Unit)
    headers = dict(_login(port), **{"Idempotency-Key": _key()})
    results = _race(port, "/api/v1/test-slow-units", {"name": "并发单位"}, headers)
    _check_one_winner(results)
    assert _count(app, Unit) == before + 1
    # A later retry gets the stored answer.
    status, replay_headers, data = _post(
        port, "/api/v1/test-slow-units", {"name": "并发单位"}, headers
    )
    assert status == 201 and replay_headers["Idempotent-Replayed"] == "true"
    assert data == next(r[2] for r in results if r[0] == 201)
    assert _count(app, Unit) == before + 1


def test_without_key_the_same_race_creates_two(live):
    """The control: the slow endpoint really does create a row per call."""
    app, port = live
    before = _count(app, Unit)
    results = _race(port, "/api/v1/test-slow-units", {"name": "无键单位"}, _login(port))
    assert [r[0] for r in results] == [201, 201]
    assert _count(app, Unit) == before + 2


def test_real_units_endpoint_race(live):
    app, port = live
    headers = dict(_login(port), **{"Idempotency-Key": _key()})
    results = _race(port, "/api/v1/units", dict(UNIT, code="race1"), headers)
    assert all(r[0] in (201, 409) for r in results), results
    assert sum(1 for r in results if r[0] == 201 and "Idempotent-Replayed" not in r[1]) == 1
    assert _count(app, Unit, Unit.code == "race1") == 1
    assert _count(app, IdempotencyRecord) == 1
