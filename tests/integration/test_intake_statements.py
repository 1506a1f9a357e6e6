"""What one photo report costs the database: each statement is a round trip and a parse on
every intake of a surge (bench/README.md). The caller's token and zones come in one statement,
so do both nearby searches, and the answer is rendered from what intake wrote, without reading
the report or its grid back."""

from __future__ import annotations

import io

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from inspector.extensions import db
from inspector.grid.cache import warm
from inspector.grid.models import Zone
from inspector.setup.demo import grid_center
from tests import photo_samples as samples
from tests.helpers import auth

from .photos_fixtures import COMMUNITY

GRID = COMMUNITY + "007"


def test_photo_report_statements(demo_app, demo_client):
    headers = auth(demo_client, "gridworker")  # a grid worker: bound to zones
    lat, lon = grid_center(GRID)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append(" ".join(statement.split()).lower())

    warm(demo_app)  # the grid index, built once per process (at start-up under gunicorn)
    with demo_app.app_context():
        engine = db.engine
        name = db.session.scalar(select(Zone.name).where(Zone.code == GRID))
    flushed: list[list] = []  # what each flush that had work found to write

    def flushing(session, context, instances):  # noqa: ANN001, ARG001
        flushed.append([*session.new, *session.dirty])

    event.listen(engine, "before_cursor_execute", seen)
    event.listen(Session, "before_flush", flushing)
    try:
        photos = [(io.BytesIO(samples.jpeg(size=(400 + i, 300))), f"{i}.jpg") for i in range(2)]
        response = demo_client.post(
            "/api/v1/reports",
            data={"lat": str(lat), "lon": str(lon), "category_code": "0101", "photo": photos},
            content_type="multipart/form-data",
            headers=headers,
        )
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        event.remove(Session, "before_flush", flushing)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["grid"] == {"code": GRID, "name": name}
    # Its rows are written by rows.insert_new, one INSERT each, both photos in one on PostgreSQL
    # (SQLite does not promise RETURNING's order for several rows): no unit of work.
    assert flushed == []
    postgres = demo_app.config["TEST_BACKEND"] == "postgresql"
    photos = ["insert into photo"] * (1 if postgres else 2)
    written = [s.split(" (")[0] for s in statements if s.startswith("insert")]
    assert written == [
        "insert into case_counter",  # the day's numbers (on PostgreSQL on a connection apart)
        'insert into "case"',
        "insert into report",
        "insert into case_anchor",
        "insert into case_event",
        *photos,
        "insert into case_event_fact",
    ]
    assert len([s for s in statements if "api_token" in s]) == 1
    assert all("api_token" in s for s in statements if "account_zone" in s)  # zones with it
    written = next(i for i, s in enumerate(statements) if s.startswith("insert into report "))
    after = statements[written + 1 :]
    assert not [s for s in after if s.startswith("select") and " from report" in s]
    assert not [s for s in statements if s.startswith("select") and " from zone" in s]
    # The duplicate and recurrence searches: one statement for both.
    assert len([s for s in statements if s.startswith("select") and '"case".lat' in s]) == 1


def _report(client, width: int = 400) -> dict:  # noqa: ANN001
    """A grid worker's (his account has zones) one-photo report in GRID; a photo without EXIF
    time, so its case waits as "new"."""
    lat, lon = grid_center(GRID)
    photos = [(io.BytesIO(samples.jpeg(size=(width, 300))), "0.jpg")]
    answer = client.post(
        "/api/v1/reports",
        data={"lat": str(lat), "lon": str(lon), "category_code": "0101", "photo": photos},
        content_type="multipart/form-data",
        headers=auth(client, "gridworker"),
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _seen_during(app, request):  # noqa: ANN001, ANN202
    """(the answer of `request()`, the statements it ran, whitespace folded, lower case)."""
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append(" ".join(statement.split()).lower())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = request()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), statements


def _grid_name(app) -> str:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(Zone.name).where(Zone.code == GRID))


def test_case_answer_reads_no_zone_and_each_account_once(demo_app, demo_client):
    """A case's full answer (GET, and every action's) names who acted from one read of the
    accounts and its grid from the grid index: `event.actor` loaded each account with its zones
    and their polygons, and `case.grid` the grid's polygon."""
    warm(demo_app)
    case_id = _report(demo_client)["case"]["id"]
    headers = auth(demo_client, "dispatcher")
    body, statements = _seen_during(
        demo_app, lambda: demo_client.get(f"/api/v1/cases/{case_id}", headers=headers)
    )
    assert (body["grid_code"], body["grid_name"]) == (GRID, _grid_name(demo_app))
    assert body["timeline"][0]["actor"]["name"] == "网格员王芳"  # the demo grid worker (demo_data)
    reads = [s for s in statements if s.startswith("select") and "api_token" not in s]
    assert not [s for s in reads if " from zone" in s or "account_zone" in s]
    assert len([s for s in reads if " from account" in s]) == 1


def test_case_list_reads_no_zone(demo_app, demo_client):
    """A queue page names each case's grid from the grid index, as the case answer does: the
    list used to read the page's zones as well (a statement per page, on every queue read)."""
    warm(demo_app)
    for width in (400, 401):
        _report(demo_client, width)
    headers = auth(demo_client, "dispatcher")
    body, statements = _seen_during(
        demo_app, lambda: demo_client.get("/api/v1/cases?limit=50", headers=headers)
    )
    items = body["items"]
    assert len(items) >= 2
    assert {(c["grid_code"], c["grid_name"]) for c in items[:2]} == {(GRID, _grid_name(demo_app))}
    assert not [s for s in statements if s.startswith("select") and " from zone" in s]


def test_case_answer_reads_the_timeline_photos_at_once(demo_app, demo_client):
    """Every step's photos in one read, however long the timeline (it was one read per step)."""
    case_id = _report(demo_client, 402)["case"]["id"]
    headers = auth(demo_client, "dispatcher")
    for action in ("file", "dispatch"):  # no EXIF time on the photo: the case waits as "new"
        done = demo_client.post(f"/api/v1/cases/{case_id}/{action}", json={}, headers=headers)
        assert done.status_code == 200, done.get_json()
    body, statements = _seen_during(
        demo_app, lambda: demo_client.get(f"/api/v1/cases/{case_id}", headers=headers)
    )
    timeline = body["timeline"]
    assert len(timeline) >= 3
    assert [len(step["photos"]) for step in timeline][0] == 1  # the report's photo, on its step
    assert all(step["photos"] == [] for step in timeline[1:])
    reads = [s.split(" where ", 1) for s in statements if s.startswith("select")]
    by_step = [where for what, where in reads if " from photo" in what and "event_id" in where]
    assert len(by_step) == 1, by_step  # (the reports' own photos are read by report, apart)
