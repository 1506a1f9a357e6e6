"""Case numbers: the China-time day and a per-day sequence (2026112900001).

On PostgreSQL the day's counter is advanced apart from the intake's transaction
(workflow/numbers.py): an intake still open does not hold up the next one, and a number drawn by
an intake that then rolls back stays unused. On SQLite it stays in the request's transaction.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from inspector.extensions import db
from inspector.workflow.numbers import next_case_number

from .races import run_threads

LATE_EVENING_UTC = datetime(2026, 11, 28, 15, 59, tzinfo=UTC)  # 23:59 on the 28th in China
AFTER_MIDNIGHT_UTC = datetime(2026, 11, 28, 16, 1, tzinfo=UTC)  # 00:01 on the 29th in China


def test_numbers_count_per_china_day(app):
    with app.app_context():
        drawn = [next_case_number(LATE_EVENING_UTC) for _ in range(2)]
        drawn += [next_case_number(AFTER_MIDNIGHT_UTC) for _ in range(2)]
        db.session.commit()
    assert drawn == ["2026112800001", "2026112800002", "2026112900001", "2026112900002"]


@pytest.fixture
def pg_only(backend):
    if backend.name != "postgresql":
        pytest.skip("SQLite keeps the counter in the request's transaction (one writer)")


def test_an_open_intake_does_not_hold_up_the_next(pg_only, app):
    """A draws and keeps its transaction open; B draws and commits meanwhile (before: B waited
    on A's row lock until A committed). A then rolls back: its number stays unused."""
    a_drew, b_done = threading.Event(), threading.Event()
    numbers: dict[str, str] = {}

    def intake_a() -> None:
        with app.app_context():
            numbers["a"] = next_case_number(AFTER_MIDNIGHT_UTC)
            a_drew.set()
            numbers["b_finished_while_a_open"] = str(b_done.wait(20))
            db.session.rollback()

    def intake_b() -> None:
        a_drew.wait(20)
        with app.app_context():
            numbers["b"] = next_case_number(AFTER_MIDNIGHT_UTC)
            db.session.commit()
        b_done.set()

    run_threads(intake_a, intake_b)
    assert numbers == {
        "a": "2026112900001",
        "b": "2026112900002",
        "b_finished_while_a_open": "True",
    }
    with app.app_context():
        assert next_case_number(AFTER_MIDNIGHT_UTC) == "2026112900003"  # 00001 is skipped


def test_parallel_draws_never_share_a_number(pg_only, app):
    drawn: list[str] = []

    def intake() -> None:
        with app.app_context():
            for _ in range(10):
                drawn.append(next_case_number(AFTER_MIDNIGHT_UTC))
            db.session.commit()

    run_threads(*[intake] * 4)
    assert sorted(drawn) == [f"20261129{n:05d}" for n in range(1, 41)]


def test_sqlite_counter_rolls_back_with_the_intake(backend, app):
    if backend.name != "sqlite":
        pytest.skip("PostgreSQL draws apart from the intake (see above)")
    with app.app_context():
        assert next_case_number(AFTER_MIDNIGHT_UTC) == "2026112900001"
        db.session.rollback()
        assert next_case_number(AFTER_MIDNIGHT_UTC) == "2026112900001"
