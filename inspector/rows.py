"""New rows written with one prebuilt INSERT each, then attached to the session as loaded.

Why: intake writes six new rows (case, report, anchor, event, photos, fact) and nothing else.
Through the unit of work they cost more Python than the rest of intake's database work: each
flush sorts every mapper's dependencies and builds each INSERT's parameters by the general path;
under a photo surge the two intake flushes were about a fifth of gunicorn's Python time
(bench/README.md). Here each row is one execution of a statement built once per table, which
answers every column (`RETURNING`), so the object is complete without a read back; the objects
are then attached as persistent rows, exactly as if the unit of work had written them.

Only for new objects (transient, or pending: added but not flushed) of single-table models, whose
many-to-one relationships point at rows that exist already or come earlier in the same call;
anything else goes through `db.session` as usual. The before-flush length guard (input_guard)
runs on these objects as on every flush.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, inspect
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import MANYTOONE

from .extensions import db
from .input_guard import check_lengths

_INSERTS: dict[Mapper, tuple[Insert, list[str]]] = {}


def insert_new(objects: Sequence[Any]) -> None:
    """INSERT the new objects in the order given (parents first), then attach them all.
    Neighbours of one table setting the same columns (a report's photos) share one statement."""
    check_lengths(objects)
    connection = db.session.connection()
    batch: tuple[Mapper, list[Any], list[dict[str, Any]]] | None = None
    for obj in objects:
        state = inspect(obj)
        if state.pending:
            db.session.expunge(obj)  # added to the session, not written: written here instead
        elif not state.transient:
            raise ValueError(f"{obj!r} is not a new object")
        if batch and batch[0] is not state.mapper:
            _write(connection, *batch)  # before this row's values: it may name their keys
            batch = None
        values = _values(state)
        if batch and batch[2][0].keys() != values.keys():
            _write(connection, *batch)
            batch = None
        if batch is None:
            batch = (state.mapper, [], [])
        batch[1].append(obj)
        batch[2].append(values)
    if batch:
        _write(connection, *batch)
    for obj in objects:
        make_transient_to_detached(obj)
    db.session.add_all(objects)


def _write(connection: Any, mapper: Mapper, objects: list[Any], values: list[dict]) -> None:  # noqa: ANN401
    """One execution for the batch: several rows go as one multi-row INSERT (SQLAlchemy's
    insertmanyvalues), answered in the order given."""
    statement, keys = _insert_of(mapper)
    result = connection.execute(statement, values[0] if len(values) == 1 else values)
    for obj, row in zip(objects, result.all(), strict=True):
        for key, value in zip(keys, row, strict=True):
            set_committed_value(obj, key, value)


def _insert_of(mapper: Mapper) -> tuple[Insert, list[str]]:
    """The table's INSERT answering every column, and the attribute each answered column fills."""
    if mapper not in _INSERTS:
        attrs = list(mapper.column_attrs)
        columns = [attr.columns[0] for attr in attrs]
        statement = mapper.local_table.insert().returning(*columns, sort_by_parameter_order=True)
        _INSERTS[mapper] = (statement, [attr.key for attr in attrs])
    return _INSERTS[mapper]


def _values(state: Any) -> dict[str, Any]:  # noqa: ANN401 - an InstanceState
    """The columns set on the object, with the keys of the rows its many-to-one relationships
    name (written by the unit of work's sync otherwise). Unset columns take the table's defaults."""
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in state.dict:
            values[attr.columns[0].key] = state.dict[attr.key]
    for rel in state.mapper.relationships:
        if rel.direction is not MANYTOONE or rel.viewonly or rel.key not in state.dict:
            continue
        target = state.dict[rel.key]
        for local, remote in rel.local_remote_pairs:
            values[local.key] = None if target is None else _key_of(target, remote, rel)
    for key in _primary_keys(state.mapper):
        if key in values and values[key] is None:
            del values[key]  # the database draws it
    return values


def _key_of(target: Any, column: Any, rel: Any) -> Any:  # noqa: ANN401 - a column's value
    value = getattr(target, inspect(target).mapper.get_property_by_column(column).key)
    if value is None:
        raise ValueError(f"{rel} points at a row not written yet")
    return value


def _primary_keys(mapper: Mapper) -> set[str]:
    return {column.key for column in mapper.primary_key}
