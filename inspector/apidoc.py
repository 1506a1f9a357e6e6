"""What the OpenAPI document says beyond each view's own declarations.

A view declares its 2xx answers itself (`@blp.alt_response(200, schema=..., success=True)`,
documentation only: the view's dict is sent as it is, never re-serialised through the schema).
Its error statuses follow from what it already declares for other reasons, so nobody lists them
by hand and a new view gets them as soon as it declares its access:

- every /api/v1 operation: 422 `invalid_input` (the input guard reads every request) and 401
  (a bearer token that is expired or revoked is refused before any view, public ones too);
- POST, PATCH: 400 `bad_request` (a body that is not JSON);
- `require_roles`: 403; `rate_limited`: 429; a path parameter: 404 (ids not visible
  answer 404 like ids that do not exist); `idempotent`: 409 (the same key still in flight).

Each is a reference to the status's component response, whose schema is our error envelope
(`extensions.ErrorEnvelope`). `tests/unit/test_openapi_sweep.py` checks the result.
"""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any

from marshmallow import INCLUDE, Schema, fields
from werkzeug.routing import Rule

# A file answer (photo, workbook, PDF, CSV): bytes, not JSON.
BINARY: dict[str, str] = {"type": "string", "format": "binary"}
HTML: dict[str, str] = {"type": "string", "description": "HTML 页面 / an HTML page"}
CSV: dict[str, str] = {"type": "string", "description": "CSV, UTF-8 with BOM"}


class Answer(Schema):
    """Base of every answer shape: documentation only, and open (`additionalProperties: true`):
    api.md lets answers grow new fields without breaking clients, so the document lists the
    fields an answer has at least, each with its type and whether it may be null."""

    class Meta:
        unknown = INCLUDE


class LatLon(Answer):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class CodeName(Answer):
    """A zone, unit or grid named by its code (answers)."""

    code = fields.String(required=True)
    name = fields.String(required=True)


def answers_in(blp: Any, by_type: dict[str, Any], status: int = 200) -> Callable:
    """A decorator documenting one answer per content type (`?format=json|html|pdf`, a photo's
    image types): `@answers_in(blp, {"application/json": Out, "application/pdf": BINARY})`.
    Documentation only, like every `alt_response`."""

    def decorate(view: Callable) -> Callable:
        for content_type, schema in by_type.items():
            document = blp.alt_response(
                status, schema=schema, content_type=content_type, success=True
            )
            view = document(view)
        return view

    return decorate


def body_doc(schema: Any, *content_types: str) -> dict[str, Any]:
    """`@blp.doc(**body_doc(Schema))`: the request body of a view that reads it by hand (GeoJSON,
    uploads), documented without `@blp.arguments` parsing it a second time. Content types:
    JSON unless given."""
    types = content_types or ("application/json",)
    return {"requestBody": {"required": True, "content": {t: {"schema": schema} for t in types}}}


def implied_errors(view: Callable, rule: Rule, method: str) -> list[int]:
    """The error statuses a view answers because of what it declares (see module doc)."""
    codes = {401, 422}
    if method.upper() in ("POST", "PATCH"):
        codes.add(400)
    if getattr(view, "required_roles", None) is not None:
        codes.add(403)
    if getattr(view, "rate_budgets", ()):
        codes.add(429)
    if rule.arguments:
        codes.add(404)
    if getattr(view, "idempotent", False):
        codes.add(409)
    return sorted(codes)


def document_errors(docs: dict[str, dict[str, Any]], view_of: Callable, rule_of: Callable) -> None:
    """Add the implied error responses to a blueprint's stored docs (flask-smorest's `_docs`:
    endpoint -> method -> doc info). Idempotent: tests register the blueprint once per app.
    `view_of(endpoint)` and `rule_of(endpoint)` find the registered view and URL rule."""
    for endpoint, methods in docs.items():
        view, rule = view_of(endpoint), rule_of(endpoint)
        for method, info in methods.items():
            if method == "parameters":
                continue
            responses = info.setdefault("response", {}).setdefault("responses", {})
            # `@blp.arguments` documents its own 422 (the same component) in its part of the doc.
            declared = {*responses, *info.get("arguments", {}).get("responses", {})}
            for code in implied_errors(view, rule, method):
                if code not in declared:
                    responses[code] = [http.HTTPStatus(code).name]
