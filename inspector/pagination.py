"""Keyset pagination shared by every list: ?limit= (default 50, max 200) and an opaque ?cursor=."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Row, Select

from .apidoc import Answer
from .errors import invalid
from .extensions import db
from .input_guard import MAX_INT
from .schemas import Int

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageArgs(Schema):
    limit = Int(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None)


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The answer of a list in the OpenAPI document: `{"items": [item], "next_cursor"}`. One
    class per item schema (cached): the document names it `<Item>Page`."""
    name = item.__name__.removesuffix("Schema") + "Page"
    return type(
        name,
        (Answer,),
        {
            "__doc__": f"A page of {item.__name__}, newest first; next_cursor null on the last.",
            "__module__": item.__module__,
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(required=True, allow_none=True),
        },
    )


def _decode(cursor: str) -> int:
    try:
        last_id = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid("分页游标无效 / Invalid cursor", field="cursor") from exc
    if not 0 < last_id <= MAX_INT:  # made by us from an id, so never outside the id range
        raise invalid("分页游标无效 / Invalid cursor", field="cursor")
    return last_id


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def paginate(
    query: Select,
    id_column: Any,
    args: dict[str, Any],
    render: Callable[[Any], dict],
    load: Callable[[Sequence[Row]], Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """Newest first by id; the cursor is the last id seen, so pages stay stable under inserts.

    `load`: the query selects columns (one of them `id`), not an entity; the page's rows go
    through `load` once (the page's related rows in one batch) before each is rendered."""
    limit = args.get("limit") or DEFAULT_LIMIT
    if args.get("cursor"):
        query = query.where(id_column < _decode(args["cursor"]))
    result = db.session.execute(query.order_by(id_column.desc()).limit(limit + 1))
    rows = result.all() if load else result.scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [render(r) for r in (load(rows) if load else rows)],
        "next_cursor": _encode(rows[-1].id) if more and rows else None,
    }
