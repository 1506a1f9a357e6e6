"""Every /api/v1 operation says what it answers: a 2xx with a real schema, errors in our envelope.

The document is generated from the code (flask-smorest), so a route added without a declared
answer shows here by name. How to declare one: README, "Open311/OpenAPI" (Chinese and English):
`@blp.alt_response(200, schema=SomeSchema, success=True)` (documentation only, the view's dict is
sent as is), with `content_type=` for files and pages. Error statuses follow from the view's own
declarations (inspector/apidoc.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from inspector import API_PREFIX, create_app

METHODS = ("get", "post", "put", "patch", "delete")
ENVELOPE = "#/components/schemas/ErrorEnvelope"


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("openapi")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'unused.sqlite3'}",  # the document reads no row
            "MEDIA_DIR": str(tmp / "media"),
            "SECRET_KEY": "test-secret",
            "AUDIT_KEY": "test-audit-key",
            "TESTING": True,
        }
    )
    return app.test_client().get(f"{API_PREFIX}/openapi.json").get_json()


def _resolve(document: dict, node: dict) -> dict:
    """Follow `$ref`s (#/components/...) to the object they name."""
    seen = 0
    while "$ref" in node and seen < 20:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node, seen = target, seen + 1
    return node


def schema_problem(document: dict, schema: dict | None, where: str = "") -> str | None:
    """Why a schema says nothing about the body (None: it says something). Objects need
    properties (or a schema for their values); arrays need items that say something."""
    if not schema:
        return f"no schema{where}"
    schema = _resolve(document, schema)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            problems = [schema_problem(document, s, where) for s in schema[combined]]
            return None if any(p is None for p in problems) else problems[0]
    kind = schema.get("type")
    if kind == "array":
        return schema_problem(document, schema.get("items"), f"{where} items")
    if kind == "object" or (kind is None and "properties" in schema):
        extra = schema.get("additionalProperties")
        if schema.get("properties") or isinstance(extra, dict) and extra:
            return None
        return f"bare object{where}"
    if kind in ("string", "integer", "number", "boolean"):
        return None
    return f"schema without a type{where}"


def operation_problems(document: dict, path: str, method: str, operation: dict) -> list[str]:
    """What one operation lacks, each problem naming the operation."""
    name = f"{method.upper()} {path}"
    responses = operation.get("responses", {})
    problems: list[str] = []
    successes = {code: r for code, r in responses.items() if str(code).startswith("2")}
    if not successes:
        problems.append(f"{name}: no 2xx response declared")
    for code, response in successes.items():
        response = _resolve(document, response)
        content = response.get("content")
        if code == "204":
            continue  # No Content: no body to describe
        if not content:
            problems.append(f"{name}: {code} has no content (no schema, no content type)")
            continue
        for content_type, media in content.items():
            problem = schema_problem(document, media.get("schema"))
            if problem:
                problems.append(f"{name}: {code} {content_type}: {problem}")
    errors = {code: r for code, r in responses.items() if str(code).startswith("4")}
    if not errors:
        problems.append(f"{name}: no 4xx response declared")
    for code, response in errors.items():
        schema = _resolve(document, response).get("content", {}).get("application/json", {})
        if schema.get("schema", {}).get("$ref") != ENVELOPE:
            problems.append(f"{name}: {code} is not the error envelope ({ENVELOPE})")
    body = operation.get("requestBody")
    if body:
        for content_type, media in _resolve(document, body).get("content", {}).items():
            problem = schema_problem(document, media.get("schema"), " in the request body")
            if problem:
                problems.append(f"{name}: request {content_type}: {problem}")
    return problems


def test_every_api_v1_operation_declares_its_answers(document):
    problems = [
        problem
        for path, item in document["paths"].items()
        if path.startswith(API_PREFIX)
        for method, operation in item.items()
        if method in METHODS
        for problem in operation_problems(document, path, method, operation)
    ]
    assert not problems, (
        "Declare the answers of these /api/v1 operations (README, Open311/OpenAPI):\n"
        + "\n".join(problems)
    )


def test_the_sweep_names_what_a_route_lacks(document):
    """The checker itself, on operations planted by hand."""
    bare = {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
    assert operation_problems(document, "/api/v1/x", "get", bare) == [
        "GET /api/v1/x: 200 application/json: bare object",
        "GET /api/v1/x: no 4xx response declared",
    ]
    none: dict = {"responses": {"default": {"description": "x"}}}
    assert operation_problems(document, "/api/v1/y", "post", none)[0] == (
        "POST /api/v1/y: no 2xx response declared"
    )
    listed = {"type": "array", "items": {"type": "object", "properties": {"id": {}}}}
    good = {
        "responses": {
            "200": {"content": {"application/json": {"schema": listed}}},
            "404": {"$ref": "#/components/responses/NOT_FOUND"},
        }
    }
    assert operation_problems(document, "/api/v1/z", "get", good) == []
    wrong_error = {**good, "responses": {**good["responses"], "409": {"description": "x"}}}
    assert operation_problems(document, "/api/v1/z", "get", wrong_error) == [
        f"GET /api/v1/z: 409 is not the error envelope ({ENVELOPE})"
    ]
