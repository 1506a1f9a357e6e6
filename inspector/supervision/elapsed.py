"""Whole seconds between two stored instants, as SQL that both databases run.

Needed where a figure compares how long a step took with a limit inside a GROUP BY (on-time
核实 and 核查 per grid): PostgreSQL subtracts timestamps, SQLite (text instants) subtracts
Unix seconds. Both give whole seconds, so a step exactly at its limit is on time on both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """seconds_between(earlier, later): later - earlier in whole seconds."""

    type = Integer()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between)
def _postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier}))) AS INTEGER)"


@compiles(seconds_between, "sqlite")
def _sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return (
        f"(CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER))"
    )
