"""Hostile input for every route of the URL map: NUL bytes, over-long strings, ids beyond the
integer columns, negative ids, wrong JSON types, broken bodies.

The routes come from the app's URL map (so a new route is fuzzed as soon as it exists), their
base values from the access matrix (`tests/access_matrix.py`: ids planted in `World.values`, a
served URL and body per row), and the names to poison from the OpenAPI document plus every
field name of every marshmallow schema in the `inspector` package (views that parse by hand,
such as case actions, are covered too). Each probe changes ONE place and keeps the rest valid, so
the hostile value travels as far into the code as a real attacker's would.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from flask import Flask
from marshmallow import Schema
from werkzeug.exceptions import MethodNotAllowed, NotFound

from .access_matrix import ROWS, Row, World

SKIP_ENDPOINTS = ("static",)
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# Values for one path part (already URL-encoded where it matters).
BAD_PATH_INT = [
    "2147483648",  # one past PostgreSQL INTEGER
    "9223372036854775808",  # one past BIGINT / SQLite INTEGER
    "1" + "0" * 40,
    "-1",
    "0",
    "1%00",
    "abc",
]
BAD_PATH_TEXT = ["%00", "a%00b", "x" * 5000, "%ED%A0%80", "%FF%FE", "..%2F..", " "]

# Values for one query parameter or multipart form field (strings by nature).
BAD_TEXT = [
    "\x00",
    "ok\x00",
    "\x1b[31m",
    "x" * 5000,
    "x" * 100_001,
    "2147483648",
    "9223372036854775808",
    "-1",
    "-2147483649",
    "nan",
    "1e999",
    "",
]

# Values for one JSON field.
BAD_JSON: list[Any] = [
    "\x00",
    "ok\x00",
    "x" * 5000,
    "x" * 100_001,
    "\ud800",  # a lone surrogate: valid JSON escape, not encodable as UTF-8
    2147483648,
    9223372036854775808,
    10**40,
    -1,
    -2147483649,
    0,
    1.5,
    1e308,
    float("nan"),
    float("inf"),
    True,
    None,
    [],
    {},
    ["\x00"],
    {"\x00": "\x00"},
    [[[["deep"]]]],
]

# For views whose body the OpenAPI document does not describe (every schema field is tried).
BAD_JSON_FEW: list[Any] = ["\x00", "x" * 5000, 2147483648, 9223372036854775808, -1, 1.5, [], {}]

# Query parameters some views read by hand (not in the OpenAPI document).
HAND_READ_QUERY = ("token", "sig", "cursor", "limit")

# Whole bodies that are not what any JSON view expects.
BAD_BODIES: list[tuple[str, bytes]] = [
    ("application/json", b"[]"),
    ("application/json", b'"x"'),
    ("application/json", b"1"),
    ("application/json", b"null"),
    ("application/json", b"{"),
    ("application/json", b'{"a": "\\u0000"}'),
    ("application/json", b'{"\\u0000": 1}'),
    ("application/json", b'{"a": "\\ud800"}'),
    ("application/json", b"\xff\xfe{}"),
    ("application/json", b"[" * 100_000 + b"]" * 100_000),
    ("application/json", b'{"a": ' + b"9" * 5000 + b"}"),
    ("application/json", b'{"a": 1e999999}'),
    ("text/plain", b"\x00\x01\x02"),
    ("application/x-www-form-urlencoded", b"a=%00&note=%00&into=99999999999999999999"),
]


@dataclass
class Probe:
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    json: Any = None
    raw: tuple[str, bytes] | None = None  # (content type, body)
    form: dict[str, Any] | None = None  # multipart, files as (bytes, name)
    what: str = ""

    def send(self, client, headers: dict[str, str]):  # noqa: ANN001
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.query)
        url = self.path + ("?" + query if query else "")
        if self.form is not None:
            data = {
                k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v
                for k, v in self.form.items()
            }
            return client.open(
                url,
                method=self.method,
                data=data,
                headers=headers,
                content_type="multipart/form-data",
            )
        if self.raw is not None:
            return client.open(
                url, method=self.method, data=self.raw[1], content_type=self.raw[0], headers=headers
            )
        if self.json is not None:  # ASCII-escaped, so a lone surrogate travels as "\ud800"
            body = json.dumps(self.json, ensure_ascii=True).encode()
            return client.open(
                url, method=self.method, data=body, content_type="application/json", headers=headers
            )
        return client.open(url, method=self.method, headers=headers)


@dataclass(frozen=True)
class Route:
    method: str
    rule: str  # werkzeug rule, e.g. /api/v1/cases/<int:case_id>/<string:action>
    endpoint: str
    int_args: frozenset[str]

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def routes(app: Flask) -> list[Route]:
    """Every (method, rule) of the URL map, the OpenAPI document included."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(SKIP_ENDPOINTS):
            continue
        ints = frozenset(
            name
            for name, conv in rule._converters.items()
            if conv.regex.startswith("\\d") or "int" in type(conv).__name__.lower()
        )
        for method in sorted(rule.methods - IGNORED_METHODS):
            found.append(Route(method, rule.rule, rule.endpoint, ints))
    return sorted(found, key=str)


def row_for(app: Flask, route: Route) -> Row | None:
    adapter = app.url_map.bind("localhost")
    for row in ROWS:
        if row.method != route.method:
            continue
        path = "/api/v1" + row.path.split("?")[0].format_map(_Ones())
        try:
            endpoint, _ = adapter.match(path, method=row.method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint == route.endpoint:
            return row
    return None


class _Ones(dict):
    def __missing__(self, key: str) -> str:
        return "1"


def schema_field_names() -> set[str]:
    """Every field name (as sent on the wire) of every marshmallow schema the app defines."""
    names: set[str] = set()
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("inspector"):
            continue
        for name, fld in cls._declared_fields.items():
            names.add(fld.data_key or name)
    return names


def _operation(spec: dict, route: Route) -> dict:
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", route.rule)
    return spec.get("paths", {}).get(path, {}).get(route.method.lower(), {})


def _resolve(spec: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return schema


def documented_query(spec: dict, route: Route) -> list[str]:
    return [p["name"] for p in _operation(spec, route).get("parameters", []) if p["in"] == "query"]


def documented_body(spec: dict, route: Route) -> tuple[str | None, list[str]]:
    """(content type, top-level property names) of the operation's documented request body."""
    content = _operation(spec, route).get("requestBody", {}).get("content", {})
    for ctype, media in content.items():
        props = _resolve(spec, media.get("schema", {})).get("properties", {})
        return ctype, sorted(props)
    return None, []


def path_values(route: Route, world: World, **overrides: str) -> dict[str, str]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", route.rule)
    values = {}
    for name in names:
        if name in overrides:
            values[name] = overrides[name]
        elif name == "username":
            values[name] = str(world.values.get("victim", "resident_other"))
        else:
            values[name] = str(world.values.get(name, "1"))
    return values


def fill(route: Route, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], route.rule)


def probes(
    app: Flask,
    world: World,
    route: Route,
    photo: bytes,
    action: str | None = None,
    body_fields: list[str] | None = None,
    query_and_path: bool = True,
) -> Iterator[Probe]:
    """The hostile requests for one route.

    `action` fills an `<action>` path part; `body_fields` names the JSON fields of a view whose
    body the OpenAPI document does not describe (without either, every schema field name of the
    app is sent at once, for views that read a body by hand or not at all).
    """
    from inspector.extensions import api

    spec = api.spec.to_dict()
    row = row_for(app, route)
    base_query = parse_qsl(urlsplit(row.url(world)).query) if row else []
    base_json = (row.body(world) if row else None) or {}
    fixed = {"action": action} if action else {}
    path = fill(route, path_values(route, world, **fixed))

    if query_and_path:
        # 1. each path part, hostile
        for name in re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", route.rule):
            bad = BAD_PATH_INT if name in route.int_args else BAD_PATH_TEXT + BAD_PATH_INT[:2]
            for value in bad:
                bad_path = fill(route, path_values(route, world, **{**fixed, name: value}))
                yield Probe(route.method, bad_path, base_query, what=f"path {name}={value[:20]!r}")
        # 2. each documented query parameter; the names views read by hand, all at once
        for name in documented_query(spec, route):
            for value in BAD_TEXT:
                query = [(k, v) for k, v in base_query if k != name] + [(name, value)]
                yield Probe(route.method, path, query, what=f"query {name}={value[:20]!r}")
        for value in BAD_TEXT:
            query = base_query + [(name, value) for name in HAND_READ_QUERY]
            yield Probe(route.method, path, query, what=f"query token/sig/...={value[:20]!r}")
        yield Probe(route.method, path, base_query + [("\x00", "1")], what="query key NUL")
    if route.method in ("GET", "DELETE"):
        return
    # 3. each body field, hostile, the others as the matrix sends them
    ctype, documented = documented_body(spec, route)
    if ctype == "multipart/form-data":
        yield from _form_probes(route, path, world, documented, photo)
        return
    fields = documented or body_fields
    if fields:
        for name in fields:
            for value in BAD_JSON if documented else BAD_JSON_FEW:
                body = {**base_json, name: value}
                yield Probe(route.method, path, json=body, what=f"json {name}={_short(value)}")
    else:
        everything = sorted(schema_field_names())
        for value in BAD_JSON_FEW:
            body = {**base_json, **dict.fromkeys(everything, value)}
            yield Probe(route.method, path, json=body, what=f"json *={_short(value)}")
    for nested in _nested_dicts(base_json):
        for value in BAD_JSON[:6]:
            body = {**base_json, nested: {**base_json[nested], "value": value, "x": value}}
            yield Probe(route.method, path, json=body, what=f"json {nested}.*={_short(value)}")
    for ctype_raw, raw in BAD_BODIES:
        yield Probe(route.method, path, raw=(ctype_raw, raw), what=f"body {raw[:24]!r}")


def _form_probes(
    route: Route, path: str, world: World, names: list[str], photo: bytes
) -> Iterator[Probe]:
    form = _report_form(world)
    for name in names:
        if name == "photo":
            continue
        for value in BAD_TEXT:
            yield Probe(
                route.method,
                path,
                form={**form, name: value, "photo": (photo, "p.jpg")},
                what=f"form {name}={value[:20]!r}",
            )
    yield Probe(route.method, path, form={**form, "photo": (photo, "p\x00.jpg")}, what="file NUL")


def _nested_dicts(body: dict) -> list[str]:
    return [k for k, v in body.items() if isinstance(v, dict)]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 30 else text[:27] + "..."


def _report_form(world: World) -> dict[str, Any]:
    return {
        "lat": str(world.values["lat"]),
        "lon": str(world.values["lon"]),
        "category_code": "0101",
        "description": "占道经营",
    }
