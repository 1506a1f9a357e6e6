"""Real answers fit the OpenAPI document: every /api/v1 route of the access matrix, called by
every actor on a planted world, answers JSON that validates against the schema the document
declares for that status (2xx shapes and the error envelope alike).

The declarations are documentation only (`@blp.alt_response`: views send their dicts as they
are), so this is what keeps them true: a field renamed, a null where the document promised a
value, an undeclared status, and the document is wrong here before any client finds out.
schemathesis (test_openapi_live.py) adds generated input; this test adds real data.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from openapi_schema_validator import OAS30Validator

from ..access_matrix import ROWS, actor_order, call, plant_world

API = "/api/v1"


def _template(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


class Document:
    """The served document, with one validator per declared (path, method, status) answer."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    @cache  # noqa: B019 - one Document per test, a handful of keys
    def validator(self, path: str, method: str, status: int, mimetype: str) -> OAS30Validator | str:
        """A validator of the JSON answer, or why there is none (the problem to report)."""
        operation = self.document["paths"].get(path, {}).get(method.lower())
        if operation is None:
            return "operation not in the document"
        response = operation["responses"].get(str(status))
        if response is None:
            return f"status {status} not declared"
        schema = self._resolve(response).get("content", {}).get(mimetype, {})
        if "schema" not in schema:
            return f"status {status} declares no {mimetype} schema"
        return OAS30Validator({**schema["schema"], "components": self.document["components"]})


def test_every_answer_of_the_matrix_fits_its_declared_schema(demo_app):
    client = demo_app.test_client()
    document = Document(client.get(f"{API}/openapi.json").get_json())
    world = plant_world(demo_app)
    problems: list[str] = []
    checked = 0
    # Logging out and disabling accounts end sessions the other rows use: they go last.
    last = [r for r in ROWS if r.method == "DELETE" or r.path.endswith("/disable")]
    for row in [r for r in ROWS if r not in last] + last:
        if row.prefix != API:
            continue
        for actor in actor_order(row):
            response = call(client, world, row, actor)
            if not response.is_json:  # JSON and its kin (application/geo+json)
                continue
            path = _path_of(demo_app, row, world)
            validator = document.validator(
                path, row.method, response.status_code, response.mimetype
            )
            where = f"{row.method} {path} as {actor} -> {response.status_code}"
            if isinstance(validator, str):
                problems.append(f"{where}: {validator}")
                continue
            checked += 1
            for error in list(validator.iter_errors(response.get_json()))[:3]:
                at = "/".join(str(p) for p in error.absolute_path) or "(body)"
                problems.append(f"{where}: {at}: {error.message[:200]}")
    assert not problems, "answers that break the document:\n" + "\n".join(sorted(set(problems)))
    assert checked > 500  # every row, every actor: hundreds of real answers


def _path_of(app, row, world) -> str:  # noqa: ANN001
    """The documented path template of the route a row's URL matches."""
    adapter = app.url_map.bind("localhost")
    rule, _args = adapter.match(row.url(world).split("?")[0], method=row.method, return_rule=True)
    return _template(rule.rule)
