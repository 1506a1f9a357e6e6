"""What one photo report costs the database: each statement is a round trip and a parse on
every intake of a surge (bench/README.md). The caller's token and zones come in one statement,
so do both nearby searches, and the answer is rendered from what intake wrote, without reading
the report or its grid back."""

from __future__ import annotations

import io

from sqlalchemy import event, select

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
    event.listen(engine, "before_cursor_execute", seen)
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
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["grid"] == {"code": GRID, "name": name}
    assert len([s for s in statements if "api_token" in s]) == 1
    assert all("api_token" in s for s in statements if "account_zone" in s)  # zones with it
    written = next(i for i, s in enumerate(statements) if s.startswith("insert into report "))
    after = statements[written + 1 :]
    assert not [s for s in after if s.startswith("select") and " from report" in s]
    assert not [s for s in statements if s.startswith("select") and " from zone" in s]
    # The duplicate and recurrence searches: one statement for both.
    assert len([s for s in statements if s.startswith("select") and '"case".lat' in s]) == 1
