"""Every route x every actor answers as its access declaration says (table: tests/access_matrix.py)."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from inspector import create_app
from inspector.access.auth import access_rule, undeclared_endpoints

from ..access_matrix import ACTORS, PUBLIC, ROWS, Row, actor_order, call, expected, plant_world

SKIP_ENDPOINTS = ("static", "api-docs.")
# Open311 is public reads + api_key POSTs, not roles: tests/integration/test_open311_*.py drive it.
NOT_ROLE_BASED = ("open311.",)
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """The URL map needs no database: one app, built once, for the declaration checks."""
    tmp = tmp_path_factory.mktemp("matrix")
    return create_app(
        {"DATABASE_URL": f"sqlite:///{tmp / 'x.sqlite3'}", "SECRET_KEY": "t", "RATE_LIMITS": "off"}
    )


def _routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(SKIP_ENDPOINTS + NOT_ROLE_BASED)
        for method in rule.methods - IGNORED_METHODS
    }


def _endpoint_of(app, row: Row) -> str:
    adapter = app.url_map.bind("localhost")
    path = row.prefix + row.path.split("?")[0].format_map(_Anything())
    try:
        endpoint, _args = adapter.match(path, method=row.method)
    except (NotFound, MethodNotAllowed) as exc:
        raise AssertionError(f"row {row.method} {row.path} matches no route") from exc
    return endpoint


class _Anything(dict):
    def __missing__(self, key: str) -> str:
        return "1"  # matches both <int:...> and <string:...> converters


def test_every_view_declares_its_access(bare_app):
    assert undeclared_endpoints(bare_app) == []


def test_every_route_has_a_row_and_every_row_a_route(bare_app):
    covered = {(row.method, _endpoint_of(bare_app, row)) for row in ROWS}
    missing = sorted(_routes(bare_app) - covered)
    assert missing == [], f"add rows to tests/access_matrix.py for {missing}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
def test_row_matches_the_view_declaration(bare_app, row: Row):
    rule = access_rule(bare_app.view_functions[_endpoint_of(bare_app, row)])
    if row.roles == PUBLIC:
        assert rule.public and rule.reason
    else:
        assert not rule.public
        assert (rule.roles or frozenset(ACTORS.values()) - {None}) == row.roles


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.path}")
def test_each_actor_gets_the_declared_answer(demo_app, row: Row):
    world = plant_world(demo_app)
    client = demo_app.test_client()
    wrong = []
    for actor in actor_order(row):
        response = call(client, world, row, actor)
        want = expected(row, actor)
        status = response.status_code
        if status >= 400:
            assert response.get_json()["error"]["code"], (actor, status)
        if status != want:
            wrong.append((actor, status, want, response.get_data(as_text=True)[:200]))
    assert wrong == []
