"""URL converters shared by every blueprint."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # the largest BIGINT on PostgreSQL and INTEGER on SQLite


class BoundedInt(IntegerConverter):
    """`<int:...>` that only matches ids a database column can hold (larger numbers: 404)."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002, ANN001
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bounded_int_schema(converter: BoundedInt) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "maximum": MAX_ID}
