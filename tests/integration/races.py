"""Two hosts racing on one case, in threads of one test process (each with its own session).

Host A acts and flushes but holds its transaction open until host B has read the case; B then
acts on the row it read, which A is about to change. The claim (row lock on PostgreSQL, write
lock on SQLite) must make B lose without writing anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from inspector.extensions import db
from inspector.workflow.models import Case


def run_threads(*targets: Callable[[], None]) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)


def race_two_hosts(
    app: Flask,
    case_id: int,
    act: Callable[[Case], object],
    saw_old_row: Callable[[Case], bool],
    lost: tuple[type[Exception], ...],
    loss: Callable[[Exception], object],
) -> dict[str, object]:
    """{"a": A's result, "b_saw_old_row": what B read before acting, "b": B's result, or
    `loss(exc)` when B's act raised one of `lost` (its transaction rolled back)."""
    a_flushed, b_read = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def host_a() -> None:
        with app.app_context():
            results["a"] = act(db.session.get(Case, case_id))
            a_flushed.set()
            b_read.wait(10)
            threading.Event().wait(0.5)  # B is now blocked on our row (or write) lock
            db.session.commit()

    def host_b() -> None:
        a_flushed.wait(10)
        with app.app_context():
            case = db.session.get(Case, case_id)
            results["b_saw_old_row"] = saw_old_row(case)  # A's change is not committed yet
            b_read.set()
            try:
                results["b"] = act(case)
                db.session.commit()
            except lost as exc:
                db.session.rollback()
                results["b"] = loss(exc)

    run_threads(host_a, host_b)
    return results
