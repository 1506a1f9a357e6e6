"""No hostile input is a 5xx: every route of the URL map, as several roles, on SQLite and PostgreSQL.

The probes (tests/input_fuzz.py) put NUL bytes, control characters, lone surrogates, over-long
strings, ids beyond the integer columns, negative ids and wrong JSON types into each path part,
query parameter and body field in turn, and send broken bodies. Every answer must be < 500 and
every refusal must carry the JSON error envelope.
"""

from __future__ import annotations

import tempfile

import pytest

from inspector import create_app
from inspector.timeutil import utcnow
from inspector.workflow.api import ActionArgs
from inspector.workflow.states import REPORTER, TABLE

from ..access_matrix import ACTORS, plant_world
from ..images import jpeg
from ..input_fuzz import Route, probes, routes, schema_field_names

ACTION_ENDPOINT = "cases.act_on_case"
DEFAULT_ACTORS = ("anonymous", "resident", "dispatcher", "admin")


def _all_routes() -> list[Route]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": f"sqlite:///{tmp}/x.sqlite3", "SECRET_KEY": "t", "RATE_LIMITS": "off"}
        )
        return routes(app)


ROUTES = _all_routes()


def _action_actors(action: str) -> list[str]:
    """One actor who may try the action (so the hostile values reach its code)."""
    roles = set(TABLE[action].roles) | ({"resident"} if REPORTER in TABLE[action].roles else set())
    return [next(a for a, role in ACTORS.items() if role in roles)]


def _plan(route: Route) -> list[dict]:
    """The probes(...) arguments and actors to send them as."""
    if route.endpoint != ACTION_ENDPOINT:
        return [{"actors": DEFAULT_ACTORS}]
    fields = sorted(f.data_key or n for n, f in ActionArgs._declared_fields.items())
    plan = [{"actors": DEFAULT_ACTORS, "action": "merge", "body_fields": fields}]
    for action in TABLE:
        plan.append(
            {
                "actors": _action_actors(action),
                "action": action,
                "body_fields": fields,
                "query_and_path": False,
            }
        )
    return plan


def test_the_fuzz_covers_every_route_and_the_examples():
    rules = {r.rule for r in ROUTES}
    assert "/api/v1/cases/<int:case_id>/<string:action>" in rules
    assert any("<username>" in r for r in rules)
    assert len(ROUTES) >= 30
    assert "into" in schema_field_names()


def _error_envelope(route: Route, response) -> bool:  # noqa: ANN001
    """Our envelope {"error": {"code", ...}}; Open311 routes answer as GeoReport v2 says:
    [{"code", "description"}] in JSON, <errors><error>... in XML."""
    if route.rule.startswith("/open311/"):
        if response.is_json:
            body = response.get_json()
            return isinstance(body, list) and all("code" in e and "description" in e for e in body)
        return b"<errors><error><code>" in response.get_data().replace(b"\n", b"").replace(
            b" ", b""
        )
    body = response.get_json(silent=True) if response.is_json else None
    return isinstance(body, dict) and bool((body.get("error") or {}).get("code"))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_hostile_input_never_answers_5xx(demo_app, route: Route):
    world = plant_world(demo_app)
    client = demo_app.test_client()
    photo = jpeg(world.values["lat"], world.values["lon"], taken_at=utcnow())
    failures = []
    sent = 0
    for plan in _plan(route):
        actors = plan.pop("actors")
        for probe in probes(demo_app, world, route, photo, **plan):
            for actor in actors:
                response = probe.send(client, world.headers(actor))
                sent += 1
                status = response.status_code
                envelope = status < 400 or _error_envelope(route, response)
                if status >= 500 or not envelope:
                    failures.append(
                        (actor, probe.what, probe.path[:80], status, response.get_data()[:160])
                    )
    assert sent > 0
    assert failures == [], f"{len(failures)} of {sent} probes failed: {failures[:15]}"
