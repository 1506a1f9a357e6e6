"""Every app process sees every import (revision counter in the DB), without rebuilding per request.

Two create_app instances on one database stand for two processes: each has its own index.
"""

from __future__ import annotations

import pytest

from inspector.extensions import db
from inspector.grid.cache import grid_cache

from ..conftest import make_app
from ..grid_data import post, small_city
from ..helpers import auth

NEW = "/api/v1/zones/locate?lat=30.002&lon=113.007"  # inside small_city, outside the demo county


@pytest.fixture
def second(demo_app, tmp_path):
    made = []

    def build(**overrides):
        other = make_app(demo_app.config["DATABASE_URL"], tmp_path / f"b{len(made)}", **overrides)
        made.append(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_other_process_sees_an_import(demo_client, second):
    other = second(ZONES_CHECK_SECONDS=0).test_client()
    assert other.get(NEW).status_code == 404
    response = post(demo_client, small_city(), auth(demo_client, "admin"))
    assert response.status_code == 200
    assert other.get(NEW).get_json()["grid"]["code"] == "429980001001002"
    assert demo_client.get(NEW).get_json()["grid"]["code"] == "429980001001002"


def test_renamed_grid_reaches_the_other_process(demo_client, second):
    other_app = second(ZONES_CHECK_SECONDS=0)
    other = other_app.test_client()
    headers = auth(demo_client, "admin")
    post(demo_client, small_city(), headers)
    assert other.get(NEW).get_json()["grid"]["name"] == "区域429980001001002"
    features = small_city()
    features[4]["properties"]["name"] = "新名字"
    post(demo_client, features, headers)
    assert other.get(NEW).get_json()["grid"]["name"] == "新名字"
    assert grid_cache(other_app).builds == 2


def test_checks_are_throttled_and_own_imports_seen_at_once(demo_app, second):
    demo_app.config["ZONES_CHECK_SECONDS"] = 3600
    client = demo_app.test_client()
    other_app = second(ZONES_CHECK_SECONDS=3600)
    other = other_app.test_client()
    assert other.get(NEW).status_code == 404
    post(client, small_city(), auth(client, "admin"))
    # the importing process re-checks right after its commit ...
    assert client.get(NEW).status_code == 200
    # ... the other one keeps its index until its next check is due (one hour here)
    for _ in range(5):
        assert other.get(NEW).status_code == 404
    cache = grid_cache(other_app)
    assert (cache.builds, cache.checks) == (1, 1)
    cache.invalidate()  # what the passing of ZONES_CHECK_SECONDS does
    assert other.get(NEW).status_code == 200 and cache.builds == 2


def test_lookups_do_not_rebuild_and_a_failed_import_changes_nothing(demo_client, demo_app):
    from inspector.setup.demo import grid_center

    lat, lon = grid_center("429901001001007")
    for _ in range(10):
        assert demo_client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}").status_code == 200
    cache = grid_cache(demo_app)
    assert cache.builds == 1
    features = small_city()
    features[4]["properties"]["parent_code"] = "missing"
    assert post(demo_client, features, auth(demo_client, "admin")).status_code == 422
    assert demo_client.get(f"/api/v1/zones/locate?lat={lat}&lon={lon}").status_code == 200
    assert cache.builds == 1
