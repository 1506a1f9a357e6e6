"""A fresh worker's first `zones/locate` on a 50,000-grid city: cold (index built inside the
first request) against warm (index built at process start by `inspector.grid.cache.warm`, as
wsgi.py and `jobs worker` do).

    .venv/bin/python bench/warm.py [--cells 50000] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

The city is imported once into a fresh database; each measurement runs in a new Python process
(a fresh gunicorn worker), printing the start-up (create_app, plus warm-up when on) and the
first request's time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, sys, time
t0 = time.perf_counter()
from inspector import create_app
from inspector.grid.cache import warm
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench", "RATE_LIMITS": "off",
                  "LOG_FORMAT": "text"})
if sys.argv[2] == "warm":
    warm(app)
started = time.perf_counter() - t0
client = app.test_client()
t = time.perf_counter()
answer = client.get("/api/v1/zones/locate", query_string={"lat": sys.argv[3], "lon": sys.argv[4]})
first = time.perf_counter() - t
t = time.perf_counter()
client.get("/api/v1/zones/locate", query_string={"lat": sys.argv[3], "lon": sys.argv[4]})
second = time.perf_counter() - t
print(json.dumps({"status": answer.status_code, "start": started, "first": first, "second": second}))
"""


def build_city(url: str, cells: int) -> tuple[float, float]:
    from flask_migrate import upgrade

    from inspector import create_app
    from inspector.extensions import db
    from inspector.grid.service import import_zones_report
    from tests.synthetic_grid import voronoi_city

    collection = voronoi_city(cells, seed=1)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_FORMAT": "text"})
    with app.app_context():
        upgrade()
        t = time.perf_counter()
        import_zones_report(collection)
        db.session.commit()
        print(f"imported {cells} grids in {time.perf_counter() - t:.1f} s")
        db.engine.dispose()
    grid = next(f for f in collection["features"] if f["properties"]["level"] == "grid")
    import shapely
    from shapely.geometry import shape

    point = shapely.get_coordinates(shape(grid["geometry"]).representative_point())[0]
    lon, lat = float(point[0]), float(point[1])
    return lat, lon


def measure(url: str, mode: str, lat: float, lon: float) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, mode, str(lat), str(lon)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=50_000)
    parser.add_argument("--pg", default=None)
    args = parser.parse_args()
    targets = [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp(prefix='warm-')) / 'b.sqlite3'}")]
    if args.pg:
        import psycopg

        name = f"warm_bench_{int(time.time())}"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        targets.append(("PostgreSQL", args.pg.rsplit("/", 1)[0] + "/" + name))
    for label, url in targets:
        lat, lon = build_city(url, args.cells)
        for mode in ("cold", "warm", "cold", "warm"):
            m = measure(url, mode, lat, lon)
            print(
                f"{label} {mode}: status {m['status']}, start-up {m['start']:.2f} s, "
                f"first locate {m['first'] * 1000:.1f} ms, second {m['second'] * 1000:.1f} ms"
            )


if __name__ == "__main__":
    main()
