"""A unit's open queue and the case list filters at 10,000 and 1,000,000 cases.

(Issue 14 calls it bench/queue.py; a file named queue.py in bench/ would shadow the standard
library's `queue` for every script here, psycopg and multiprocessing import it.)

    .venv/bin/python bench/case_lists.py [--sizes 10000,1000000] [--only sqlite|postgresql]
                                    [--repeat 30] [--keep NAME [--fill-only]]
                                    [--pg postgresql://postgres@127.0.0.1:5432/postgres]

For each size and database: a database with the demo county, a supervisor bound to one district,
and N cases over the year to 2026-11-30. 5,000 of them are still in the loop (new, verifying,
filed, dispatched, rectified; created over the last 30 days) at every size, the rest is closed
or rejected history: a city's open cases do not grow with its past, and so every measured page
is equally full at 10,000 and at 1,000,000 cases (each line prints its page's rows). 30 % of the
cases go to 综合执法局 (the measured unit queue) and 25 % to the demo grid worker's 25 grids, so
those queues fill two pages of 200. Cases and one report each are generated (the lists read nothing else).
The schema is head's; the case table's indexes are built after the rows are in (faster than
keeping them up row by row; the same indexes a city's database has, only freshly packed). The
lists before revision 0016 were measured with an earlier version of this script (bench/README).

--keep NAME keeps each size's data (SQLite /tmp/NAME_<size>.db, PostgreSQL database
NAME_<size>; filled under a `.part`/`_part` name and renamed when complete, so an interrupted
fill is never reused) and a later run reuses it, upgraded to head: 1M cases are generated once.
--fill-only makes the kept data and measures nothing.

Then every list is fetched through the app (`GET /api/v1/cases`, the console's queue calls, with
a signed-in demo account, rendering included), `--repeat` times after three warm-ups: p50/p95 of
wall time and of CPU time (this process plus the PostgreSQL backends serving it, from
/proc/<pid>/schedstat: other processes' load stretches wall time, much less CPU time).
Baseline in the same run: `GET /api/v1/cases/<id>` of one case. Last, the growth ratio of p95
from the smallest to the largest size. Target: <= 2x from 10k to 1M.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select
from stats import _copy as copy_rows  # bench/stats.py, next to this file
from stats import _fast_sqlite as fast_sqlite

from inspector import create_app
from inspector.access.models import Account
from inspector.access.service import create_account
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.grid.models import Zone
from inspector.org.models import Unit
from inspector.setup.demo import load_demo
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.workflow.models import Case

END = datetime(2026, 11, 30, tzinfo=UTC)
BATCH = 20_000
# Cases still in the loop: the same number at any size (a city's open cases follow its staff and
# its streets, not the length of its history), created over the last OPEN_DAYS days; everything
# else is closed history over the year. So a queue page holds as many rows at 10,000 cases as
# at 1,000,000, and only the table around it grows.
OPEN_CASES = 5_000
OPEN_DAYS = 30
OPEN_STATUSES = {"new": 10, "verifying": 20, "filed": 15, "dispatched": 35, "rectified": 20}
# The measured unit (综合执法局 takes most city-management cases) gets this share of the cases,
# and the demo grid worker's 25 grids (of 200) this share: both queues fill two pages of 200.
BUSY_UNIT, BUSY_UNIT_SHARE = "zfj", 0.30
BUSY_GRIDS_SHARE = 0.25
# A zone-bound supervisor (bench account, bound to this district) for the per-level zone filter.
ZONE_ACCOUNT, ZONE_CODE = "zonesupervisor", "429901"
API = "/api/v1"
DESCRIPTIONS = (
    "占道经营,影响通行",
    "垃圾堆放未清运",
    "井盖破损",
    "共享单车乱停放",
    "违规张贴小广告",
)


def _weighted(items: list, busy: set, share: float) -> list[float]:
    """Weights giving the `busy` items `share` of the draws together, the rest the remainder."""
    n_busy = sum(1 for i in items if i in busy)
    rest = len(items) - n_busy
    return [share / n_busy if i in busy else (1 - share) / rest for i in items]


def case_rows(n: int, seed: int = 11):  # noqa: ANN201 - yields batches of row dicts
    """Batches of (case rows, report rows): one report per case, the case's id for both; ids
    ascend with creation time, as intake makes them. One report in a hundred carries a
    `photo_reused` warning (staff rows show them)."""
    if n < 2 * OPEN_CASES:
        raise SystemExit(f"at least {2 * OPEN_CASES} cases: {OPEN_CASES} of them are open")
    rng = random.Random(seed)
    units = list(db.session.scalars(select(Unit.id).order_by(Unit.id)))
    busy_unit = db.session.scalar(select(Unit.id).where(Unit.code == BUSY_UNIT))
    categories = list(db.session.scalars(select(Category.id).order_by(Category.id)))
    zones = {z.id: z for z in db.session.scalars(select(Zone))}
    grids = sorted((z for z in zones.values() if z.level == "grid"), key=lambda z: z.id)
    worker = db.session.scalar(select(Account).where(Account.username == "gridworker"))
    busy_grids = {z.id for z in worker.zones}
    chain = {}
    for g in grids:
        community = zones[g.parent_id]
        subdistrict = zones[community.parent_id]
        chain[g.id] = (
            community.id,
            subdistrict.id,
            subdistrict.parent_id,
            grid_lat(g),
            grid_lon(g),
        )
    # Drawn in bulk (one call each, not one per row): generation is mostly this loop's Python.
    grid_of = rng.choices(
        [g.id for g in grids], _weighted([g.id for g in grids], busy_grids, BUSY_GRIDS_SHARE), k=n
    )
    unit_of = rng.choices(units, _weighted(units, {busy_unit}, BUSY_UNIT_SHARE), k=n)
    category_of = rng.choices(categories, k=n)
    open_status = rng.choices(list(OPEN_STATUSES), list(OPEN_STATUSES.values()), k=OPEN_CASES)
    year, recent = 365 * 24 * 3600, OPEN_DAYS * 24 * 3600
    # (age in seconds, open status or None), oldest first: ids ascend with creation time.
    ages = [(rng.randrange(recent), s) for s in open_status]
    ages += [(rng.randrange(year), None) for _ in range(n - OPEN_CASES)]
    ages.sort(key=lambda a: a[0], reverse=True)
    batch, reports = [], []
    for i, (age, status) in enumerate(ages, start=1):
        created = END - timedelta(seconds=age)
        if status is None:
            status = "closed" if rng.random() < 0.96 else "rejected"
        grid_id, category_id = grid_of[i - 1], category_of[i - 1]
        community_id, subdistrict_id, district_id, lat, lon = chain[grid_id]
        sent = status in ("dispatched", "rectified", "closed")
        dispatched = created + timedelta(minutes=rng.randrange(5, 120)) if sent else None
        batch.append(
            {
                "id": i,
                "number": f"Q{i:012d}",
                "status": status,
                "source": "patrol" if rng.random() < 0.8 else "tip",
                "category_id": category_id,
                "unit_id": unit_of[i - 1] if sent else None,
                "grid_id": grid_id,
                "community_id": community_id,
                "subdistrict_id": subdistrict_id,
                "district_id": district_id,
                "lat": lat,
                "lon": lon,
                "description": DESCRIPTIONS[i % len(DESCRIPTIONS)],
                "created_at": created,
                "filed_at": created if status not in ("new", "verifying") else None,
                "dispatched_at": dispatched,
                "due_at": dispatched + timedelta(hours=rng.choice((4, 24, 48))) if sent else None,
                "closed_at": dispatched + timedelta(hours=8) if status == "closed" else None,
                "rework_count": 0,
                "return_count": 0,
                "overdue_count": 0,
                "escalation_level": 0,
                "version": 1,
            }
        )
        reports.append(
            {
                "id": i,
                "case_id": i,
                "source": batch[-1]["source"],
                "lat": lat,
                "lon": lon,
                "position_source": "device",
                "grid_id": grid_id,
                "category_id": category_id,
                "description": batch[-1]["description"],
                "warnings": json.dumps(reused_warning(i - 1) if i % 100 == 0 else []),
                "created_at": created,
            }
        )
        if len(batch) >= BATCH:
            yield batch, reports
            batch, reports = [], []
    if batch:
        yield batch, reports


def reused_warning(other: int) -> list[dict]:
    number = f"Q{other:012d}"
    message = f"照片与案件 {number} 的照片相同 / photo reused from case {number}"
    return [{"code": "photo_reused", "message": message, "case_id": other, "case_number": number}]


def grid_lat(grid: Zone) -> float:
    return (grid.min_lat + grid.max_lat) / 2 if grid.min_lat is not None else 30.64


def grid_lon(grid: Zone) -> float:
    return (grid.min_lon + grid.max_lon) / 2 if grid.min_lon is not None else 113.13


def generate(n: int) -> None:
    """Cases and their reports, in batches: COPY on PostgreSQL (bench/stats.py's), the
    driver's executemany on SQLite (times stored as SQLAlchemy stores them: naive UTC with microseconds; journal
    and fsync off for this throw-away file, bench/stats.py's `_fast_sqlite`)."""
    postgres = db.engine.dialect.name == "postgresql"
    if not postgres:
        fast_sqlite()
    for cases, reports in case_rows(n):
        for table, rows in (("case", cases), ("report", reports)):
            (copy_rows if postgres else _sqlite_insert)(table, rows)
        db.session.commit()
    if postgres:
        for table in ("case", "report"):
            db.session.execute(
                db.text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), :n)"),
                {"n": n},
            )
        db.session.commit()


def _sqlite_insert(table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    raw.executemany(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
        [
            [
                v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
                for v in (row[c] for c in columns)
            ]
            for row in rows
        ],
    )


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def fill(url: str, n: int) -> None:
    """A new database at head: the demo county, a zone-bound supervisor, N cases with a report
    each. The case and report tables' indexes (all but the unique ones) are dropped for the insert and built over the
    filled table afterwards: one sort per index instead of a million random B-tree inserts."""
    app = bench_app(url)
    with app.app_context():
        upgrade()
        load_demo()
        create_account(ZONE_ACCOUNT, DEMO_PASSWORD, "supervisor", zone_codes=[ZONE_CODE])
        db.session.commit()
        start = time.perf_counter()
        indexes = [
            (table, index)
            for table in ("case", "report")
            for index in inspect(db.engine).get_indexes(table)
            if not index["unique"]
        ]
        for _table, index in indexes:
            db.session.execute(db.text(f'DROP INDEX "{index["name"]}"'))
        db.session.commit()
        generate(n)
        print(f"  {n} cases generated in {time.perf_counter() - start:.0f} s", flush=True)
        start = time.perf_counter()
        for table, index in indexes:
            columns = ", ".join(f'"{c}"' for c in index["column_names"])
            db.session.execute(db.text(f'CREATE INDEX "{index["name"]}" ON "{table}" ({columns})'))
            db.session.commit()
        analyze()
        print(
            f"  {len(indexes)} indexes built and analysed in {time.perf_counter() - start:.0f} s",
            flush=True,
        )
        db.session.remove()
        db.engine.dispose()


def bench_app(url: str):  # noqa: ANN201
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATE_LIMITS": "off"})
    logging.getLogger("inspector.request").setLevel(logging.WARNING)  # a line per request
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


def lists(app) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(label, account, query) of the console's queues and the list filters."""
    with app.app_context():
        unit = db.session.get(
            Unit, db.session.scalar(select(Unit.id).where(Unit.code == BUSY_UNIT))
        )
        worker = db.session.scalar(select(Account).where(Account.username == "gridworker"))
        grid = min(worker.zones, key=lambda z: z.id).code  # a busy grid: >= 50 cases at 10k
        category = db.session.scalar(select(Category.code).order_by(Category.id))
        last = db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1))
    return [
        ("baseline: one case by id", "dispatcher", f"/cases/{last // 2}"),
        ("unit queue: dispatched, 200", "unitstaff", "/cases?status=dispatched&limit=200"),
        ("unit queue: rectified, 200", "unitstaff", "/cases?status=rectified&limit=200"),
        ("unit queue: 2nd page", "unitstaff", "/cases?status=dispatched&limit=200&cursor=PAGE2"),
        ("dispatcher: filed, 200", "dispatcher", "/cases?status=filed&limit=200"),
        ("dispatcher: no filter, 50", "dispatcher", "/cases?limit=50"),
        ("dispatcher: unit_code, 50", "dispatcher", f"/cases?unit_code={unit.code}&limit=50"),
        ("dispatcher: grid_code, 50", "dispatcher", f"/cases?grid_code={grid}&limit=50"),
        (
            "dispatcher: category_code, 50",
            "dispatcher",
            f"/cases?category_code={category}&limit=50",
        ),
        ("supervisor: overdue, 200", "supervisor", "/cases?overdue=true&limit=200"),
        ("district supervisor: overdue, 200", ZONE_ACCOUNT, "/cases?overdue=true&limit=200"),
        ("grid worker: verifying, 200", "gridworker", "/cases?status=verifying&limit=200"),
        ("grid worker: no filter, 50", "gridworker", "/cases?limit=50"),
    ]


class CpuClock:
    """CPU time of this process (app, SQLite) plus the PostgreSQL backends serving it, in
    nanoseconds (/proc/<pid>/schedstat): unlike wall time, it does not grow with other
    processes' load."""

    def __init__(self, url: str) -> None:
        self.backends: list[int] = []
        if url.startswith("postgresql"):
            name = url.rsplit("/", 1)[1]
            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
                rows = admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
                ).fetchall()
            self.backends = [pid for (pid,) in rows]

    def now(self) -> int:
        total = time.process_time_ns()
        for pid in self.backends:
            with contextlib.suppress(OSError, ValueError):  # a backend that has gone
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


Figures = dict[str, tuple[float, float, float, float, int]]  # p50, p95, cpu p50, cpu p95, rows


def measure(url: str, repeat: int) -> Figures:
    app = bench_app(url)
    client = app.test_client()
    tokens = {}
    for account in ("dispatcher", "unitstaff", "supervisor", "gridworker", ZONE_ACCOUNT):
        answer = client.post(
            f"{API}/auth/token", json={"username": account, "password": DEMO_PASSWORD}
        )
        tokens[account] = answer.get_json()["token"]
    results = {}
    for label, account, path in lists(app):
        headers = {"Authorization": f"Bearer {tokens[account]}"}
        if "PAGE2" in path:
            first = client.get(f"{API}{path.split('&cursor')[0]}", headers=headers).get_json()
            path = path.replace("PAGE2", first["next_cursor"] or "")
        times, cpu = [], []
        for i in range(repeat + 3):
            if i == 3:
                clock = CpuClock(url)  # the backends exist once the warm-ups connected
            start, start_cpu = time.perf_counter(), clock.now() if i >= 3 else 0
            answer = client.get(f"{API}{path}", headers=headers)
            elapsed = time.perf_counter() - start
            if answer.status_code != 200:
                raise SystemExit(f"{label}: {answer.status_code} {answer.get_data(as_text=True)}")
            if i >= 3:
                times.append(elapsed)
                cpu.append((clock.now() - start_cpu) / 1e9)
        rows = len(answer.get_json().get("items", [None]))  # a page's rows (1: the baseline)
        results[label] = (
            statistics.median(times),
            percentile(times, 0.95),
            statistics.median(cpu),
            percentile(cpu, 0.95),
            rows,
        )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def run(url: str, n: int, repeat: int, fresh: bool) -> Figures:
    if fresh:
        fill(url, n)
    else:
        app = bench_app(url)
        with app.app_context():
            start = time.perf_counter()
            upgrade()  # a kept database gets newer revisions here
            cases = db.session.scalar(select(func.count()).select_from(Case))
            print(
                f"  kept database: {cases} cases, upgraded to head in "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
    return measure(url, repeat) if repeat else {}


def on_sqlite(n: int, repeat: int, keep: str | None) -> Figures:
    if keep is None:
        with tempfile.TemporaryDirectory() as tmp:
            return run(f"sqlite:///{Path(tmp) / 'queue.db'}", n, repeat, fresh=True)
    path = Path(f"/tmp/{keep}_{n}.db")
    if not path.exists():  # filled under another name, renamed when complete
        part = path.with_suffix(".part")
        part.unlink(missing_ok=True)
        fill(f"sqlite:///{part}", n)
        part.rename(path)
    return run(f"sqlite:///{path}", n, repeat, fresh=False)


def on_postgresql(pg: str, n: int, repeat: int, keep: str | None) -> Figures:
    server = pg.rsplit("/", 1)[0]
    name = f"{keep}_{n}" if keep else f"bench_queue_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if keep and exists:
            return run(f"{server}/{name}", n, repeat, fresh=False)
        if keep:  # filled under another name, renamed when complete
            part = f"{name}_part"
            admin.execute(f'DROP DATABASE IF EXISTS "{part}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{part}"')
            fill(f"{server}/{part}", n)
            admin.execute(f'ALTER DATABASE "{part}" RENAME TO "{name}"')
            return run(f"{server}/{name}", n, repeat, fresh=False)
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return run(f"{server}/{name}", n, repeat, fresh=True)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="keep each size's data (SQLite /tmp/NAME_<size>.db, PostgreSQL database "
        "NAME_<size>) and reuse it when it exists: generated once, measured many times",
    )
    parser.add_argument(
        "--fill-only", action="store_true", help="make the kept data (with --keep), measure nothing"
    )
    args = parser.parse_args()
    if args.fill_only and not args.keep:
        parser.error("--fill-only needs --keep")
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    repeat = 0 if args.fill_only else args.repeat
    for kind in kinds:
        by_size = {}
        for n in sizes:
            print(f"{kind}, {n} cases:", flush=True)
            if kind == "sqlite":
                by_size[n] = on_sqlite(n, repeat, args.keep)
            else:
                by_size[n] = on_postgresql(args.pg, n, repeat, args.keep)
            if args.fill_only:
                continue
            for label, (p50, p95, cpu50, cpu95, rows) in by_size[n].items():
                print(
                    f"  {label:34s} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms"
                    f"   cpu p50 {cpu50 * 1000:7.1f} ms  p95 {cpu95 * 1000:7.1f} ms"
                    f"   {rows:4d} rows"
                )
            sys.stdout.flush()
        if args.fill_only:
            continue
        small, large = by_size[sizes[0]], by_size[sizes[-1]]
        print(f"{kind}: p95 growth {sizes[0]} -> {sizes[-1]} cases (target <= 2x): wall, cpu")
        for label in small:
            wall = large[label][1] / small[label][1]
            cpu = large[label][3] / small[label][3] if small[label][3] else float("nan")
            print(f"  {label:34s} {wall:6.2f}x  {cpu:6.2f}x")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
