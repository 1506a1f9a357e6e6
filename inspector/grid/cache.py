"""The in-memory grid index of one app process, kept in step with the database.

Every process (gunicorn worker, host) holds its own index. An import bumps the `zones` counter in
the `revision` table in the same transaction; a process compares that counter with the one its
index was built from, at most once every ZONES_CHECK_SECONDS (one primary-key read, see
bench/grid.py), and rebuilds only when it moved. The importing process itself re-checks right
after its commit (session event), so its own change is visible at once.

The check reads the counter through the request's session (no extra connection); a rebuild reads
counter and zones on a connection of its own, so an index is only ever built from committed rows:
an uncommitted (later rolled back) import never leaves a process holding zones the database does
not have. Threads keep answering from the previous index while one thread rebuilds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from flask import Flask, current_app
from sqlalchemy import select

from ..extensions import db
from ..revisions import bump_revision, read_revision
from .index import PolygonIndex
from .models import Zone

ZONES_REVISION = "zones"
_EXT = "inspector.grid_cache"


@dataclass(frozen=True)
class GridSnapshot:
    """One consistent view: the index over the unit grids and every zone by id."""

    revision: int
    index: PolygonIndex
    zones: dict[int, dict[str, Any]]  # id -> {"id","code","name","level","parent_id","unit_id"}


class GridCache:
    def __init__(self, check_seconds: float, clock=time.monotonic) -> None:  # noqa: ANN001
        self.check_seconds = check_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.snapshot: GridSnapshot | None = None
        self.checked_at = float("-inf")
        self.builds = 0
        self.checks = 0

    def invalidate(self) -> None:
        """Check the counter on the next lookup (called after this process committed an import)."""
        self.checked_at = float("-inf")

    def get(self) -> GridSnapshot:
        now = self.clock()
        snap = self.snapshot
        if snap is not None and now - self.checked_at < self.check_seconds:
            return snap
        # While one thread rebuilds, the others keep answering from the previous snapshot.
        if not self.lock.acquire(blocking=snap is None):
            return snap
        try:
            snap = self.snapshot
            if snap is not None and now - self.checked_at < self.check_seconds:
                return snap
            self.checks += 1
            # One primary-key read on the request's own connection: cheap. It may see this
            # transaction's own uncommitted bump; the build below then reads the committed
            # counter, keys the snapshot by that, and the next check simply looks again.
            if snap is None or _revision(db.session.connection()) != snap.revision:
                with db.engine.connect() as conn:
                    snap = _build(conn, _revision(conn))
                self.builds += 1
                self.snapshot = snap
            self.checked_at = now
            return snap
        finally:
            self.lock.release()


def _revision(conn) -> int:  # noqa: ANN001 - a Connection (Core: half the cost of an ORM read)
    return read_revision(conn, ZONES_REVISION)


def _build(conn, revision: int) -> GridSnapshot:  # noqa: ANN001
    rows = conn.execute(
        select(Zone.id, Zone.code, Zone.name, Zone.level, Zone.parent_id, Zone.unit_id)
    ).all()
    zones = {
        r.id: {
            "id": r.id,
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "parent_id": r.parent_id,
            "unit_id": r.unit_id,
        }
        for r in rows
    }
    grids = conn.execute(select(Zone.id, Zone.geometry).where(Zone.level == "grid")).all()
    geoms = shapely.from_geojson(np.array([g.geometry for g in grids], dtype=object))
    index = PolygonIndex(list(zip([g.id for g in grids], geoms.tolist(), strict=True)))
    return GridSnapshot(revision, index, zones)


def grid_cache(app: Flask | None = None) -> GridCache:
    """The cache of this app (one per create_app: two apps in one process stay independent)."""
    app = app or current_app._get_current_object()
    cache = app.extensions.get(_EXT)
    if cache is None:
        cache = app.extensions.setdefault(
            _EXT, GridCache(float(app.config.get("ZONES_CHECK_SECONDS", 1.0)))
        )
    return cache


def bump_zones_revision() -> None:
    """Move the counter in the caller's transaction; after its commit, re-check in this process."""
    bump_revision(ZONES_REVISION, grid_cache(current_app._get_current_object()).invalidate)


def warm(app: Flask | None = None) -> GridSnapshot:
    """Build the index now, at process start (gunicorn worker, job worker), so the first
    `zones/locate` or intake does not pay for it (a 50,000-grid city: seconds)."""
    app = app or current_app._get_current_object()
    with app.app_context():
        snapshot = grid_cache(app).get()
        db.session.remove()
    return snapshot
