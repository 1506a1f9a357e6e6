"""Grid lookup, index build, revision check and zone import, each against a same-run baseline.

    .venv/bin/python bench/grid.py [--cells 50000] [--points 100000] [--import]
                                   [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Lookup: points in a city of irregular Voronoi cells, through the lean single-point path and the
vectorised batch path, against brute force (every polygon tested for every point, vectorised by
shapely) and against a per-point STRtree.query. Every answer is checked against brute force on a
sample. --import also times importing the whole city through the real service into a fresh
SQLite database (and PostgreSQL with --pg), and the per-request revision check on each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspector.grid.index import PolygonIndex  # noqa: E402
from tests.synthetic_grid import voronoi_cells, voronoi_city  # noqa: E402


def per_point(fn, xs, ys) -> float:  # noqa: ANN001
    """Best of three runs, in microseconds per point."""
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        for x, y in zip(xs, ys, strict=True):
            fn(x, y)
        runs.append((time.perf_counter() - t) / len(xs) * 1e6)
    return min(runs)


def lookup(cells_n: int, points_n: int) -> None:
    t = time.perf_counter()
    cells, (x0, y0, x1, y1) = voronoi_cells(cells_n, seed=1)
    print(f"city: {len(cells)} Voronoi cells generated in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    index = PolygonIndex(list(enumerate(cells)))
    build = time.perf_counter() - t
    print(
        f"index build: {build:.2f} s ({index.nx}x{index.ny} lattice, "
        f"{index.pure_share:.0%} of occupied cells answered without geometry)"
    )
    rng = np.random.default_rng(2)
    # 5% of the points outside the city, like reports from its edge
    pad = 0.05 * (x1 - x0)
    xs = rng.uniform(x0 - pad, x1 + pad, points_n)
    ys = rng.uniform(y0 - pad, y1 + pad, points_n)
    lx, ly = xs.tolist(), ys.tolist()

    single = per_point(index.find, lx, ly)
    t = time.perf_counter()
    index.find_many(xs, ys)
    batch = (time.perf_counter() - t) / points_n * 1e6
    tree = index.tree
    sample = min(2000, points_n)
    strtree = per_point(
        lambda x, y: tree.query(shapely.Point(x, y), predicate="intersects"),
        lx[:sample],
        ly[:sample],
    )
    brute_n = min(300, points_n)
    brute = per_point(index.brute_force, lx[:brute_n], ly[:brute_n])

    check = min(3000, points_n)
    batch_answers = index.find_many(xs[:check], ys[:check]).tolist()
    wrong = 0
    for i in range(check):
        want = index.brute_force(lx[i], ly[i])
        want = -1 if want is None else want
        single_answer = index.find_index(lx[i], ly[i])
        wrong += (-1 if single_answer is None else single_answer) != want
        wrong += batch_answers[i] != want
    print(f"checked {check} points on both paths against brute force: {wrong} mismatches")
    print(f"{'path':34} {'µs/point':>10} {'× brute force':>14}")
    for name, cost in (
        ("single point (lattice + ray test)", single),
        ("batch (find_many, vectorised)", batch),
        ("STRtree.query per point", strtree),
        ("brute force (all polygons)", brute),
    ):
        print(f"{name:34} {cost:10.2f} {brute / cost:14.0f}")
    target = "met" if single <= 10 and brute / single >= 500 else "NOT met"
    print(f"target ≤ 10 µs and ≥ 500× brute force on the single-point path: {target}")


def import_and_check(cells_n: int, pg_url: str | None) -> None:
    from flask_migrate import upgrade

    from inspector import create_app
    from inspector.extensions import db
    from inspector.grid.cache import grid_cache
    from inspector.grid.service import import_zones_report, locate

    collection = voronoi_city(cells_n, seed=1)
    targets = []
    tmp = Path(tempfile.mkdtemp(prefix="grid-bench-"))
    targets.append(("SQLite", f"sqlite:///{tmp / 'bench.sqlite3'}", None))
    if pg_url:
        import psycopg

        name = f"grid_bench_{int(time.time())}"
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        targets.append(("PostgreSQL", pg_url.rsplit("/", 1)[0] + "/" + name, name))
    for label, url, pg_name in targets:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "ZONES_CHECK_SECONDS": 0.0})
        with app.app_context():
            upgrade()
            t = time.perf_counter()
            report = import_zones_report(collection)
            db.session.commit()
            first = time.perf_counter() - t
            t = time.perf_counter()
            again = import_zones_report(collection)
            db.session.commit()
            second = time.perf_counter() - t
            print(
                f"{label}: import {report.imported} zones {first:.1f} s "
                f"(created {report.created}); re-import {second:.1f} s "
                f"(unchanged {again.unchanged})"
            )
            cache = grid_cache(app)
            t = time.perf_counter()
            cache.get()
            print(f"{label}: index build from the database {time.perf_counter() - t:.1f} s")
            ring = collection["features"][-1]["geometry"]["coordinates"][0]
            lon, lat = np.mean(ring[:-1], axis=0).tolist()
            costs_check, costs_cached = [], []
            for _ in range(300):
                cache.check_seconds = 0.0  # one revision read per lookup
                t = time.perf_counter()
                locate(lat, lon)
                costs_check.append(time.perf_counter() - t)
                cache.check_seconds = 3600.0  # revision read at most hourly
                t = time.perf_counter()
                locate(lat, lon)
                costs_cached.append(time.perf_counter() - t)
            check = statistics.median(costs_check) * 1e6
            cached = statistics.median(costs_cached) * 1e6
            print(
                f"{label}: locate() with a revision read each call {check:.0f} µs, "
                f"without {cached:.0f} µs: the read costs {check - cached:.0f} µs "
                f"(ZONES_CHECK_SECONDS=1 pays it once a second per process)"
            )
            db.session.remove()
            db.engine.dispose()
        if pg_name:
            import psycopg

            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=50_000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--import", dest="do_import", action="store_true")
    parser.add_argument("--pg", default=None)
    args = parser.parse_args()
    lookup(args.cells, args.points)
    if args.do_import:
        import_and_check(args.cells, args.pg)


if __name__ == "__main__":
    main()
