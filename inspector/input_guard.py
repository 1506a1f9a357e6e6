"""Hostile input stops at the door: one check that every request passes before any view or query.

Both databases refuse some values with errors that would surface as 500s: PostgreSQL stores no
NUL character, neither driver encodes a lone UTF-16 surrogate (valid in JSON as "\\ud800"), and
an id beyond the INTEGER column raises on PostgreSQL (the driver casts the parameter) and beyond
2^63 on SQLite. Checking field by field misses the next field, so the checks sit where every
request passes:

- `before_request` (`check_request`): every path part, query key and value, form key and value,
  upload file name and JSON string (keys too) must be free of control characters (NUL and the
  other C0 characters except tab, CR and LF) and lone surrogates, and not longer than the cap of
  its place; a JSON body must parse and nest at most MAX_JSON_DEPTH deep. -> 422 `invalid_input`
  (400 `bad_request` for a body that is not JSON at all).
- `IdConverter` replaces the `int` URL converter: it matches 1..MAX_INT only, so
  `/reports/2147483648` or `/cases/-1` is 404 like any id that does not exist.
- `inspector.schemas.Int` / `Id` bound every integer the schemas read to the same range.

- `check_column_lengths` (before every ORM flush): a string longer than its VARCHAR column, or
  holding a character the guard refuses (say, from an uploaded photo's EXIF), is 422 naming the
  field, on both databases (SQLite would have stored it; PostgreSQL raised). The columns say
  the limits, so no schema can forget one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, request
from sqlalchemy import String, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter, ValidationError

from .errors import ApiError, invalid

# PostgreSQL INTEGER (int4), the type of every id and count column.
MAX_INT = 2**31 - 1
MAX_PATH_PART = 200
MAX_QUERY_KEY = 64
MAX_QUERY_VALUE = 2000
MAX_TEXT = 10_000  # a form value or JSON string; the longest field we keep (a note) is 2,000
MAX_FILE_NAME = 255
MAX_JSON_DEPTH = 32  # a GeoJSON MultiPolygon feature collection nests 8 deep

# C0 controls except tab, LF, CR; and UTF-16 surrogates, which no UTF-8 text can carry.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


class IdConverter(IntegerConverter):
    """`<int:...>` that only matches ids the INTEGER columns can hold (1..2^31-1)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(MAX_INT)):  # int() of thousands of digits is slow, then refused
            raise ValidationError()
        return super().to_python(value)


def _problem(text: str, limit: int) -> str | None:
    if _FORBIDDEN.search(text):
        return "含有不允许的控制字符 / contains a control character or invalid Unicode"
    if len(text) > limit:
        return f"过长(最多 {limit} 个字符)/ too long (at most {limit} characters)"
    return None


def _check(text: str, limit: int, where: str) -> None:
    problem = _problem(text, limit)
    if problem:
        name = _FORBIDDEN.sub("?", where[:MAX_QUERY_KEY])  # the answer must not echo the hazard
        raise invalid(f"{name}: {problem}", field=name)


def _check_json(body: Any) -> None:
    """Walk the parsed body without recursion (a deep body must not exhaust the stack)."""
    stack: list[tuple[Any, int, str]] = [(body, 1, "body")]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise invalid(f"JSON 嵌套过深(最多 {MAX_JSON_DEPTH} 层)/ JSON nested too deeply")
        if isinstance(value, str):
            _check(value, MAX_TEXT, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check(key, MAX_QUERY_KEY, f"{where} key")
                stack.append((item, depth + 1, key))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, where) for item in value)


def _json_body() -> Any:
    try:
        return request.get_json(silent=False, cache=True)
    except RecursionError as exc:  # the parser's own stack: a body like [[[[...]]]]
        raise ApiError(400, "bad_request", "JSON 嵌套过深 / JSON nested too deeply") from exc


def check_request() -> None:
    """The one guard (before_request, ahead of authentication): see the module docstring."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            _check(value, MAX_PATH_PART, name)
    for key, value in request.args.items(multi=True):
        _check(key, MAX_QUERY_KEY, "query key")
        _check(value, MAX_QUERY_VALUE, key)
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, value in request.form.items(multi=True):
            _check(key, MAX_QUERY_KEY, "form key")
            _check(value, MAX_TEXT, key)
        for key, upload in request.files.items(multi=True):
            _check(key, MAX_QUERY_KEY, "form key")
            _check(upload.filename or "", MAX_FILE_NAME, f"{key} file name")
    elif request.is_json and request.get_data(cache=True):
        _check_json(_json_body())


def check_column_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """before_flush: every string about to be written fits its column (see module docstring)."""
    check_lengths((*session.new, *session.dirty))


def check_lengths(objects: Iterable[Any]) -> None:
    """Every string set on these objects fits its column (rows.insert_new writes without a flush)."""
    for obj in objects:
        state = sa_inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)  # only what is loaded or set: nothing is fetched
            if not isinstance(value, str):
                continue
            column = attr.columns[0]
            limit = column.type.length if isinstance(column.type, String) else None
            if (limit and len(value) > limit) or _FORBIDDEN.search(value):
                problem = _problem(value, limit or len(value))
                raise invalid(f"{attr.key}: {problem}", field=attr.key)


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered (their rules bind the converter) and before auth."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request)
    if not event.contains(Session, "before_flush", check_column_lengths):
        event.listen(Session, "before_flush", check_column_lengths)
