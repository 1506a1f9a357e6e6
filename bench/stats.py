"""Supervision statistics at a million cases: unit indicators for a month, the weekly bulletin.

    .venv/bin/python bench/stats.py [--cases 1000000] [--only sqlite|postgresql]
                                    [--pg postgresql://postgres@127.0.0.1:5432/postgres]
                                    [--keep NAME]

Generates the demo city and N cases with their timelines (report, dispatch, rectify, check; some
reworks, returns, extensions, escalations, recurrences) spread over the year to 2026-11-30, in a
fresh SQLite file and a fresh PostgreSQL database, migrated to head. Then prints, best of three
after one cold run: the baseline (COUNT(*) over the case table), the unit indicators of 2026-11
(and their event figures, from the event facts and, for comparison, from the events' JSON as
before revision 0017), the yellow flag's replay of the 8 weeks before 2026-W47 computed, the
weekly bulletin JSON of 2026-W47 with nothing published and no week snapshots (everything but
the PDF); then a `tick` of W48 stores the week snapshots, and the replay and the bulletin are
timed again reading them; then the bulletin once 2026-W46 is published (the steady state).
Target: each <= 2 s.

SQLite data goes in one transaction with the journal and fsync off and the secondary indexes
built after the load (the bench file only). --keep NAME keeps the data (/tmp/NAME.db,
PostgreSQL database NAME) and a later run with the same NAME migrates it to head (printing how
long that took: revision 0017's backfill) and times it again without regenerating.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, func, select, true  # noqa: E402

from inspector import create_app  # noqa: E402
from inspector.categories.models import Category  # noqa: E402
from inspector.extensions import db  # noqa: E402
from inspector.grid.models import Zone  # noqa: E402
from inspector.org.models import Unit  # noqa: E402
from inspector.setup.demo import load_demo  # noqa: E402
from inspector.supervision import bulletins, periods, queries, snapshots  # noqa: E402
from inspector.supervision.indicators import (  # noqa: E402
    unit_items,
    unit_tables,
    weights,
    window,
)
from inspector.supervision.jobs import take_snapshots  # noqa: E402
from inspector.supervision.models import Bulletin, WeekSnapshot  # noqa: E402
from inspector.workflow.models import Case, CaseEvent  # noqa: E402

END = datetime(2026, 11, 30, tzinfo=UTC)
BATCH = 20_000
H = "0" * 64


def generate(n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    units = [(u.id, u.code) for u in db.session.scalars(select(Unit))]
    categories = [c.id for c in db.session.scalars(select(Category))]
    zones = {z.id: z for z in db.session.scalars(select(Zone))}
    grids = [z for z in zones.values() if z.level == "grid"]
    chain = {}
    for g in grids:
        community = zones[g.parent_id]
        subdistrict = zones[community.parent_id]
        chain[g.id] = (community.id, subdistrict.id, subdistrict.parent_id)
    cases, events = [], []
    event_ids = itertools.count(1)
    span = 365 * 24 * 3600
    for i in range(1, n + 1):
        created = END - timedelta(seconds=rng.randrange(span))
        unit_id, unit_code = rng.choice(units)
        grid = rng.choice(grids)
        community_id, subdistrict_id, district_id = chain[grid.id]
        dispatched = created + timedelta(minutes=rng.randrange(5, 120))
        due = dispatched + timedelta(hours=rng.choice((2, 4, 8, 24, 48)))
        rectified = dispatched + timedelta(hours=rng.expovariate(1 / 10))
        closed = rectified + timedelta(minutes=rng.randrange(10, 600))
        roll = rng.random()
        status = "closed" if closed < END and roll < 0.9 else "dispatched"
        rework = 1 if rng.random() < 0.06 else 0
        escalation = 1 if rectified > due and rng.random() < 0.5 else 0
        row = {
            "id": i,
            "number": f"B{i:012d}",
            "status": status,
            "source": "patrol" if rng.random() < 0.8 else "tip",
            "category_id": rng.choice(categories),
            "unit_id": unit_id,
            "grid_id": grid.id,
            "community_id": community_id,
            "subdistrict_id": subdistrict_id,
            "district_id": district_id,
            "lat": 30.64,
            "lon": 113.13,
            "created_at": created,
            "filed_at": created,
            "dispatched_at": dispatched,
            "due_at": due,
            "rectified_at": rectified if status == "closed" else None,
            "closed_at": closed if status == "closed" else None,
            "rework_count": rework,
            "return_count": 0,
            "overdue_count": escalation,
            "escalation_level": escalation,
            "recurrence_of_id": rng.randrange(1, i) if i > 1 and rng.random() < 0.02 else None,
            "version": 1,
        }
        cases.append(row)
        seq = 0

        def event(action: str, at: datetime, data: dict, row=row) -> None:  # noqa: ANN001
            nonlocal seq
            seq += 1
            events.append(
                {
                    "id": next(event_ids),
                    "case_id": row["id"],
                    "seq": seq,
                    "at": at,
                    "action": action,
                    "data": data,
                    "prev_hash": H,
                    "hash": H,
                }
            )

        event("report", created, {"source": row["source"]})
        event("dispatch", dispatched, {"unit_code": unit_code})
        if rng.random() < 0.03:
            event("approve-extension", dispatched + timedelta(hours=1), {"unit_code": unit_code})
        if escalation:
            event("escalate", due + timedelta(minutes=5), {"unit_code": unit_code, "level": 1})
        if status == "closed":
            if rework:
                event("rectify", rectified - timedelta(hours=1), {"unit_code": unit_code})
                event(
                    "check",
                    rectified - timedelta(minutes=30),
                    {"passed": False, "unit_code": unit_code},
                )
            event("rectify", rectified, {"unit_code": unit_code})
            event("check", closed, {"passed": True, "unit_code": unit_code})
        if len(cases) >= BATCH:
            flush(cases, events)
    flush(cases, events)


def flush(cases: list, events: list) -> None:
    """PostgreSQL: COPY and a commit per batch. SQLite: plain tuples through the driver's
    executemany in ONE transaction (committed by `generate`'s caller), the bench file's journal
    and fsyncs off and its secondary indexes dropped meanwhile (see `_fast_sqlite`)."""
    if cases:
        rows = [{**e, "data": json.dumps(e["data"])} for e in events]
        facts = [_fact(e) for e in events]
        if db.engine.dialect.name == "postgresql":
            _copy("case", cases)
            _copy("case_event", rows)
            _copy("case_event_fact", facts)
            db.session.commit()
        else:
            _sqlite_rows("case", cases)
            _sqlite_rows("case_event", rows)
            _sqlite_rows("case_event_fact", facts)
    cases.clear()
    events.clear()


def _fact(event: dict) -> dict:
    """The event's statistics columns, as the app writes them with each event (CaseEventFact)."""
    data = event["data"]
    return {
        "event_id": event["id"],
        "case_id": event["case_id"],
        "at": event["at"],
        "action": event["action"],
        "unit_code": data.get("unit_code"),
        "passed": data.get("passed"),
    }


def _sqlite_value(value: object) -> object:
    """What SQLAlchemy's SQLite DateTime stores: naive UTC text with microseconds."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _sqlite_rows(table: str, rows: list[dict]) -> None:
    """executemany of tuples on the raw sqlite3 connection: no per-row SQLAlchemy processing
    (the ORM-free Core insert of dicts took over 90 minutes for 1M cases under load)."""
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    raw = db.session.connection().connection.driver_connection
    raw.executemany(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
        [tuple(_sqlite_value(row[c]) for c in columns) for row in rows],
    )


BULK_TABLES = ("case", "case_event", "case_event_fact")


def _fast_sqlite() -> list[str]:
    """For the throw-away bench file only: no rollback journal, no fsync, a 256 MB page cache,
    and the generated tables' secondary indexes dropped (answered, to build again after the
    load: one sorted build each instead of 5M random B-tree inserts). A crash mid-generation
    loses the file, which is fine here and never fine in the app."""
    for pragma in (
        "journal_mode=OFF",
        "synchronous=OFF",
        "cache_size=-262144",
        "temp_store=MEMORY",
    ):
        db.session.execute(db.text(f"PRAGMA {pragma}"))
    marks = ", ".join(f"'{t}'" for t in BULK_TABLES)
    indexes = db.session.execute(
        db.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})"
        )
    ).all()
    for name, _sql in indexes:
        db.session.execute(db.text(f'DROP INDEX "{name}"'))
    return [sql for _name, sql in indexes]


def _copy(table: str, rows: list[dict]) -> None:
    """PostgreSQL COPY: ten times the speed of INSERTs for generating a million cases."""
    columns = list(rows[0])
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime) else v
                    for v in (row[c] for c in columns)
                ]
            )


def timed(fn) -> tuple[float, float]:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return cold, min(runs)


def show(label: str, cold: float, best: float | None) -> None:
    tail = f"   best of 3 {best:6.2f} s" if best is not None else ""
    print(f"  {label:44s} cold {cold:6.2f} s{tail}", flush=True)


def _events_from_json(ws: list) -> None:
    """Revision 0016's event query (JSON `unit_code` and `passed` read from each event), kept
    here only to compare with the facts in the same run."""
    passed = CaseEvent.data["passed"].as_string()
    code = CaseEvent.data["unit_code"].as_string()
    actions = tuple(queries.EVENT_FIGURES) + ("check",)
    query = (
        select(code, CaseEvent.action, passed, func.count())
        .where(CaseEvent.action.in_(actions), queries.in_span(CaseEvent.at, ws))
        .group_by(code, CaseEvent.action, passed)
    )
    queries.analytic()
    db.session.execute(query).all()


def run(name: str, url: str, n: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATE_LIMITS": "off"})
    with app.app_context():
        started = time.perf_counter()
        upgrade()  # a kept database gets the newer revisions (and their backfills) here
        print(f"{name}: migrated to head in {time.perf_counter() - started:.1f} s", flush=True)
        start = time.perf_counter()
        kept = db.session.scalar(select(func.count()).select_from(Case))
        if kept == 0:
            load_demo()
            db.session.commit()
            rebuild = _fast_sqlite() if name == "sqlite" else []
            generate(n)
            for sql in rebuild:
                db.session.execute(db.text(sql))
            db.session.commit()
        else:
            db.session.execute(delete(Bulletin))  # a kept database: drop the last run's
            db.session.execute(delete(WeekSnapshot))
            db.session.commit()
        if name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
                for table in ("case", "case_event"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT MAX(id) FROM "{table}"))'
                    )
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        events = db.session.scalar(select(func.count()).select_from(CaseEvent))
        cases = db.session.scalar(select(func.count()).select_from(Case))
        what = "kept from an earlier run" if kept else "generated"
        print(
            f"{name}: {cases} cases, {events} events {what} "
            f"(ready in {time.perf_counter() - start:.0f} s)",
            flush=True,
        )
        month = periods.month("2026-11")
        week = periods.week("2026-W47")
        now = END + timedelta(days=1)

        def baseline() -> None:
            db.session.scalar(select(func.count()).select_from(Case))

        def units() -> None:
            unit_items(window(month, now), true(), weights())

        def bulletin() -> None:
            bulletins.build("weekly", week, now)

        def publish_previous_week() -> None:
            """The steady state: last week's bulletin is published (numbers only, no PDF here)."""
            from inspector.access.models import Account

            previous = periods.previous_week(week)
            admin = db.session.scalar(select(Account).where(Account.username == "admin"))
            data = bulletins.build("weekly", previous, now)
            db.session.add(
                Bulletin(
                    kind="weekly",
                    period=previous.label,
                    data=data,
                    html="",
                    pdf=b"",
                    pdf_sha256="0" * 64,
                    published_by_id=admin.id,
                    published_by_role="admin",
                )
            )
            db.session.commit()

        replayed = []  # the eight weeks before W47 the first bulletin's yellow flag replays
        current = week
        for _ in range(8):
            current = periods.previous_week(current)
            replayed.insert(0, current)

        def replay_computed() -> None:
            unit_tables([window(w, now) for w in replayed], true(), weights())

        def replay_snapshots() -> None:
            snapshots.tables_of(replayed, now)

        def events_json() -> None:
            """The month's unit event figures as they were read before revision 0017."""
            _events_from_json([window(month, now)])

        def events_facts() -> None:
            queries.unit_event_figures([window(month, now)], true())

        for label, fn in (
            ("baseline COUNT(*) of cases", baseline),
            ("unit indicators 2026-11", units),
            ("  of which event figures (facts)", events_facts),
            ("  the same read from event JSON", events_json),
            ("flag replay W39-W46, computed", replay_computed),
            ("weekly bulletin JSON 2026-W47, no snapshots", bulletin),
        ):
            show(label, *timed(fn))
        # `tick` during W48 stores the closed weeks W39-W47 (what the replay of W47 reads)
        tick_at = periods.week("2026-W48").start + timedelta(hours=1)
        started = time.perf_counter()
        taken = take_snapshots(tick_at)
        show(f"tick: {taken} week snapshots taken", time.perf_counter() - started, None)
        show("flag replay W39-W46, from snapshots", *timed(replay_snapshots))
        show("weekly bulletin JSON 2026-W47, snapshots", *timed(bulletin))
        publish_previous_week()
        show("... with 2026-W46 published", *timed(bulletin))
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="keep the data for the next run: SQLite file /tmp/NAME.db and PostgreSQL database "
        "NAME, reused (migrated to head, not regenerated) when they already hold cases",
    )
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        if args.keep:
            run("sqlite", f"sqlite:////tmp/{args.keep}.db", args.cases)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run("sqlite", f"sqlite:///{Path(tmp) / 'stats.db'}", args.cases)
    if args.only in (None, "postgresql"):
        name = args.keep or f"bench_stats_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                admin.execute(f'CREATE DATABASE "{name}"')
            try:
                run("postgresql", args.pg.rsplit("/", 1)[0] + "/" + name, args.cases)
            finally:
                if not args.keep:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
