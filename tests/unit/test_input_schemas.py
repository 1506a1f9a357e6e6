"""Every integer a schema reads is bounded to the INTEGER columns (inspector.schemas.Int)."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields

from inspector import create_app
from inspector.schemas import Id, Int


def _app_schemas() -> list[type[Schema]]:
    create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "t"})  # imports every blueprint
    found, stack = [], list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("inspector"):
            found.append(cls)
    return found


def test_no_schema_reads_an_unbounded_integer():
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _app_schemas()
        for name, field in cls._declared_fields.items()
        if isinstance(field, fields.Integer) and not isinstance(field, Int)
    ]
    assert plain == []


class _Probe(Schema):
    n = Int()
    i = Id()


@pytest.mark.parametrize("value", [2147483648, -2147483648, 9223372036854775808, "1" + "0" * 40])
def test_int_refuses_what_postgresql_integer_cannot_hold(value):
    with pytest.raises(ValidationError) as info:
        _Probe().load({"n": value})
    assert "n" in info.value.messages


@pytest.mark.parametrize("value", [0, -1, 2147483648])
def test_id_is_positive_and_in_range(value):
    with pytest.raises(ValidationError):
        _Probe().load({"i": value})


def test_the_edges_pass():
    assert _Probe().load({"n": -2147483647, "i": 2147483647}) == {"n": -2147483647, "i": 2147483647}
