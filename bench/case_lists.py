"""A unit's open queue and the case list filters at 10,000 and 1,000,000 cases.

(Issue 14 calls it bench/queue.py; a file named queue.py in bench/ would shadow the standard
library's `queue` for every script here, psycopg and multiprocessing import it.)

    .venv/bin/python bench/case_lists.py [--sizes 10000,1000000] [--only sqlite|postgresql]
                                    [--revision head] [--repeat 30]
                                    [--pg postgresql://postgres@127.0.0.1:5432/postgres]

For each size and database: a fresh database migrated to `--revision` (head by default; give
0011 to see the lists before revision 0016's indexes; the cases are generated at 0011 and
the later revisions applied to the filled table), the demo county, then N cases spread over
the year to 2026-11-30 the way a city's history looks: the last two days still moving through
the loop (new, verifying, filed, dispatched, rectified), older cases mostly closed, a few still
dispatched and overdue. Only the case rows are generated (the lists read nothing else).

Each line also shows how many rows the page held: compare sizes only where the pages are
equally full (at 10,000 cases a unit may have fewer open cases than a page holds, and rendering
200 rows costs more than rendering 20, whatever the table's size).

Then every list is fetched through the app (`GET /api/v1/cases`, the console's queue calls, with
a signed-in demo account, rendering included), `--repeat` times after three warm-ups, and
p50/p95 printed. Baseline in the same run: `GET /api/v1/cases/<id>` of one case (a primary-key
read and the same rendering). Last, the growth ratio of p95 from the smallest to the largest
size. Target: <= 2x from 10k to 1M.
"""

from __future__ import annotations

import argparse
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
from sqlalchemy import select
from stats import _copy as copy_rows  # bench/stats.py, next to this file

from inspector import create_app
from inspector.categories.models import Category
from inspector.extensions import db
from inspector.grid.models import Zone
from inspector.org.models import Unit
from inspector.setup.demo import load_demo
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.workflow.models import Case

END = datetime(2026, 11, 30, tzinfo=UTC)
# The data is generated at this revision (before 0016's list indexes), then upgraded to
# --revision: an index built over a filled table is faster than one kept up row by row.
DATA_REVISION = "0011"
BATCH = 20_000
RECENT = ("new", "verifying", "filed", "dispatched", "dispatched", "rectified")
API = "/api/v1"


def case_rows(n: int, seed: int = 11):  # noqa: ANN201 - yields batches of row dicts
    """Batches of case rows; ids ascend with creation time, as intake makes them."""
    rng = random.Random(seed)
    units = list(db.session.scalars(select(Unit.id)))
    categories = list(db.session.scalars(select(Category.id)))
    zones = {z.id: z for z in db.session.scalars(select(Zone))}
    grids = [z for z in zones.values() if z.level == "grid"]
    chain = {}
    for g in grids:
        community = zones[g.parent_id]
        subdistrict = zones[community.parent_id]
        chain[g.id] = (community.id, subdistrict.id, subdistrict.parent_id)
    span = 365 * 24 * 3600
    ages = sorted((rng.randrange(span) for _ in range(n)), reverse=True)
    batch = []
    for i, age in enumerate(ages, start=1):
        created = END - timedelta(seconds=age)
        if age < 2 * 24 * 3600:
            status = rng.choice(RECENT)
        else:
            roll = rng.random()
            status = "closed" if roll < 0.93 else "rejected" if roll < 0.97 else "dispatched"
        grid = rng.choice(grids)
        community_id, subdistrict_id, district_id = chain[grid.id]
        dispatched = created + timedelta(minutes=rng.randrange(5, 120))
        sent = status in ("dispatched", "rectified", "closed")
        batch.append(
            {
                "id": i,
                "number": f"Q{i:012d}",
                "status": status,
                "source": "patrol" if rng.random() < 0.8 else "tip",
                "category_id": rng.choice(categories),
                "unit_id": rng.choice(units) if sent else None,
                "grid_id": grid.id,
                "community_id": community_id,
                "subdistrict_id": subdistrict_id,
                "district_id": district_id,
                "lat": grid_lat(grid),
                "lon": grid_lon(grid),
                "created_at": created,
                "filed_at": created if status not in ("new", "verifying") else None,
                "dispatched_at": dispatched if sent else None,
                "due_at": dispatched + timedelta(hours=rng.choice((4, 24, 48))) if sent else None,
                "closed_at": dispatched + timedelta(hours=8) if status == "closed" else None,
                "rework_count": 0,
                "return_count": 0,
                "overdue_count": 0,
                "escalation_level": 0,
                "version": 1,
            }
        )
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def grid_lat(grid: Zone) -> float:
    return (grid.min_lat + grid.max_lat) / 2 if grid.min_lat is not None else 30.64


def grid_lon(grid: Zone) -> float:
    return (grid.min_lon + grid.max_lon) / 2 if grid.min_lon is not None else 113.13


def generate(n: int) -> None:
    """Cases only, in batches: COPY on PostgreSQL (bench/stats.py's), the driver's executemany
    on SQLite (times stored as SQLAlchemy stores them: naive UTC with microseconds)."""
    postgres = db.engine.dialect.name == "postgresql"
    for rows in case_rows(n):
        if postgres:
            copy_rows("case", rows)
        else:
            _sqlite_insert("case", rows)
        db.session.commit()
    if postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(db.text("ANALYZE"))
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


def lists(app) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(label, account, query) of the console's queues and the list filters."""
    with app.app_context():
        unit = db.session.get(Unit, db.session.scalar(select(Unit.id).where(Unit.code == "zfj")))
        grid = db.session.scalar(select(Zone.code).where(Zone.level == "grid").order_by(Zone.id))
        category = db.session.scalar(select(Category.code).order_by(Category.id))
        last = db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1))
    return [
        ("baseline: one case by id", "dispatcher", f"/cases/{last // 2}"),
        ("unit queue: dispatched, 200", "unitstaff", "/cases?status=dispatched&limit=200"),
        ("unit queue: rectified, 200", "unitstaff", "/cases?status=rectified&limit=200"),
        ("unit queue: 2nd page", "unitstaff", "/cases?status=dispatched&limit=200&cursor=PAGE2"),
        ("dispatcher: filed", "dispatcher", "/cases?status=filed&limit=200"),
        ("dispatcher: no filter, 50", "dispatcher", "/cases?limit=50"),
        ("dispatcher: unit_code", "dispatcher", f"/cases?unit_code={unit.code}&limit=50"),
        ("dispatcher: grid_code", "dispatcher", f"/cases?grid_code={grid}&limit=50"),
        ("dispatcher: category_code", "dispatcher", f"/cases?category_code={category}&limit=50"),
        ("supervisor: overdue", "supervisor", "/cases?overdue=true&limit=200"),
        ("grid worker: verifying", "gridworker", "/cases?status=verifying&limit=200"),
    ]


def measure(app, repeat: int) -> dict[str, tuple[float, float, int]]:  # noqa: ANN001
    client = app.test_client()
    tokens = {}
    for account in ("dispatcher", "unitstaff", "supervisor", "gridworker"):
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
        times = []
        for i in range(repeat + 3):
            start = time.perf_counter()
            answer = client.get(f"{API}{path}", headers=headers)
            elapsed = time.perf_counter() - start
            if answer.status_code != 200:
                raise SystemExit(f"{label}: {answer.status_code} {answer.get_data(as_text=True)}")
            if i >= 3:
                times.append(elapsed)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows = len(answer.get_json().get("items", [None]))  # a page's rows (1: the baseline)
        results[label] = (statistics.median(times), p95, rows)
    return results


def run(url: str, n: int, revision: str, repeat: int) -> dict[str, tuple[float, float, int]]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATE_LIMITS": "off"})
    logging.getLogger("inspector.request").setLevel(logging.WARNING)  # a line per request
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade(revision=DATA_REVISION)
        load_demo()
        db.session.commit()
        start = time.perf_counter()
        generate(n)
        print(f"  {n} cases generated in {time.perf_counter() - start:.0f} s", flush=True)
        start = time.perf_counter()
        upgrade(revision=revision)  # later indexes are built on the filled table, as in production
        print(f"  upgraded to {revision} in {time.perf_counter() - start:.0f} s", flush=True)
    results = measure(app, repeat)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def on_database(kind: str, pg: str, n: int, revision: str, repeat: int) -> dict:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            return run(f"sqlite:///{Path(tmp) / 'queue.db'}", n, revision, repeat)
    name = f"bench_queue_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            return run(pg.rsplit("/", 1)[0] + "/" + name, n, revision, repeat)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--revision", default="head")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    for kind in kinds:
        by_size = {}
        for n in sizes:
            print(f"{kind}, {n} cases, revision {args.revision}:", flush=True)
            by_size[n] = on_database(kind, args.pg, n, args.revision, args.repeat)
            for label, (p50, p95, rows) in by_size[n].items():
                print(
                    f"  {label:34s} p50 {p50 * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms"
                    f"   {rows:4d} rows"
                )
            sys.stdout.flush()
        small, large = by_size[sizes[0]], by_size[sizes[-1]]
        print(f"{kind}: p95 growth {sizes[0]} -> {sizes[-1]} cases (target <= 2x)")
        for label in small:
            print(f"  {label:34s} {large[label][1] / small[label][1]:6.2f}x")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
