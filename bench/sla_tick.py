"""How long `tick` takes over many open cases, against a plain read of the same rows.

Usage: .venv/bin/python bench/sla_tick.py [cases]   (SQLite in a temporary folder)
Prints: the baseline (SELECT of the open cases), an idle tick (nothing due), a busy tick (every
case warned or escalated), and their ratios to the baseline.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from inspector import create_app
from inspector.extensions import db
from inspector.org.models import Unit
from inspector.sla.calendar import CHINA
from inspector.sla.jobs import tick
from inspector.sla.service import due_time
from inspector.workflow.models import Case


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'b.db'}", "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            unit = Unit(code="u", name="单位", head_name="负责人")
            db.session.add(unit)
            db.session.flush()
            start = datetime(2025, 9, 29, 9, 0, tzinfo=CHINA)
            for i in range(n):
                at = start + timedelta(minutes=i % 480)
                db.session.add(
                    Case(
                        number=f"B{i:012d}",
                        status="dispatched",
                        source="patrol",
                        lat=30.0,
                        lon=114.0,
                        unit_id=unit.id,
                        dispatched_at=at,
                        due_at=due_time(at, 5, "work_days"),
                    )
                )
            db.session.commit()
            base, rows = _timed(
                lambda: db.session.execute(
                    select(Case.id, Case.due_at).where(Case.status == "dispatched")
                ).all()
            )
            idle, s1 = _timed(lambda: tick(start + timedelta(hours=1)))
            busy, s2 = _timed(lambda: tick(start + timedelta(days=30)))
        print(f"cases: {len(rows)}")
        print(f"baseline select: {base * 1000:.1f} ms")
        print(f"idle tick:       {idle * 1000:.1f} ms  ({idle / base:.0f}x baseline) {s1}")
        print(f"busy tick:       {busy * 1000:.1f} ms  ({busy / base:.0f}x baseline) {s2}")
        print(f"busy per case:   {busy / max(n, 1) * 1000:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
