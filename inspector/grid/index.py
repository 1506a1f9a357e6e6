"""Point -> polygon lookup for tens of thousands of grids. Pure: no Flask, no database.

A Python call into STRtree.query costs more than the 10 µs we allow per point, so the index lays
a regular lattice over the city (several cells per polygon) and precomputes, per cell, either the
one polygon that holds the whole cell ("pure" cell: answered by two array reads) or the short
sorted list of polygons that touch it (tested with shapely.intersects_xy, lowest key first). The
STRtree stays for batches (vectorised) and for the nearest-grid snap.

Rule for shared borders and overlaps, identical on every path and in the brute-force check: of all
polygons that intersect the point (interior or boundary), the one with the lowest key wins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

_EMPTY = -1  # no polygon touches the cell
_MIXED = -2  # several polygons (or a partial one) touch the cell: test the candidates
# Cells are widened by this much (degrees, ~0.1 mm) when classified, so a point that rounding puts
# in a neighbouring cell is still covered by what was precomputed for it.
_EPS = 1e-9
METRES_PER_DEG_LAT = 111_320.0
_ORIGIN = shapely.Point(0.0, 0.0)
# A point closer than this (degrees, ~1 µm) to an edge is decided by GEOS's exact predicate.
_TOL = 1e-11
# Polygons with more edges than this are tested by GEOS directly (the Python loop would be slower).
_MAX_EDGES = 48
_intersects_xy = shapely.lib.intersects_xy  # the ufunc itself: the wrapper costs ~3 µs per call


def _edge_lists(geoms: np.ndarray) -> list[tuple[tuple[float, float, float, float], ...] | None]:
    """Every polygon's ring edges (x1, y1, x2, y2), holes and parts included, for the fast test."""
    out: list = [None] * len(geoms)
    parts, part_poly = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_poly = part_poly[ring_part]
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[1:] == ring_of[:-1]  # consecutive vertices of one ring form an edge
    a, b = xy[:-1][same], xy[1:][same]
    edge_poly = ring_poly[ring_of[:-1][same]]
    counts = np.bincount(edge_poly, minlength=len(geoms))
    starts = np.concatenate(([0], np.cumsum(counts)))
    flat = list(
        zip(a[:, 0].tolist(), a[:, 1].tolist(), b[:, 0].tolist(), b[:, 1].tolist(), strict=True)
    )
    for g, n in enumerate(counts.tolist()):
        if n <= _MAX_EDGES:
            out[g] = tuple(flat[starts[g] : starts[g + 1]])
    return out


def _crossing_test(edges: tuple, x: float, y: float) -> bool | None:
    """Even-odd ray casting to +x; None when the point is on (or within _TOL of) an edge.

    The comparisons with y are exact, so only the crossing abscissa carries rounding error, and
    the _TOL margin hands every point that rounding could misplace to GEOS. A point exactly on a
    vertex or level with a horizontal edge is handed over too (the ray does not see those).
    """
    inside = False
    for x1, y1, x2, y2 in edges:
        if (y1 > y) != (y2 > y):
            d = x - (x1 + (x2 - x1) * (y - y1) / (y2 - y1))
            if -_TOL < d < _TOL:
                return None
            if d < 0:
                inside = not inside
        elif y1 == y and (x1 == x or y2 == y):
            return None  # on a vertex (a local top is not crossed) or level with a flat edge
    return inside


class PolygonIndex:
    """Finds which of many polygons holds a point; a border point goes to the lowest key."""

    def __init__(self, items: Sequence[tuple[int, BaseGeometry]], cells_per_polygon: int = 8):
        ordered = sorted(items, key=lambda item: item[0])
        self.keys: list[int] = [key for key, _ in ordered]
        self.geoms = np.array([geom for _, geom in ordered], dtype=object)
        shapely.prepare(self.geoms)
        self.tree = STRtree(self.geoms) if len(self.geoms) else None
        self._build_lattice(max(1, cells_per_polygon))

    def __len__(self) -> int:
        return len(self.keys)

    # ------------------------------------------------------------ lattice

    def _build_lattice(self, cells_per_polygon: int) -> None:
        self.nx = self.ny = 0
        self.cell_value: list[int] = []
        self.edges: list[tuple[tuple[float, float, float, float], ...] | None] = []
        self.cand_starts: list[int] = [0]
        self.cand_flat: list[int] = []
        self.pure_share = 0.0
        if self.tree is None:
            self.x0 = self.y0 = self.x1 = self.y1 = 0.0
            return
        x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(self.geoms))
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1
        width, height = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
        cells = len(self.keys) * cells_per_polygon
        side = math.sqrt(width * height / cells)
        self.nx = max(1, min(4096, math.ceil(width / side)))
        self.ny = max(1, min(4096, math.ceil(height / side)))
        self.dx, self.dy = width / self.nx, height / self.ny
        self.ix, self.iy = 1.0 / self.dx, 1.0 / self.dy

        ncells = self.nx * self.ny
        col, row = np.meshgrid(np.arange(self.nx), np.arange(self.ny))
        col, row = col.ravel(), row.ravel()  # cell id = row * nx + col
        boxes = shapely.box(
            x0 + col * self.dx - _EPS,
            y0 + row * self.dy - _EPS,
            x0 + (col + 1) * self.dx + _EPS,
            y0 + (row + 1) * self.dy + _EPS,
        )
        cell_idx, geom_idx = self.tree.query(boxes, predicate="intersects")
        order = np.lexsort((geom_idx, cell_idx))
        cell_idx, geom_idx = cell_idx[order], geom_idx[order]
        counts = np.bincount(cell_idx, minlength=ncells)
        value = np.full(ncells, _EMPTY, dtype=np.int64)
        value[counts > 0] = _MIXED
        single = counts[cell_idx] == 1
        s_cells, s_geoms = cell_idx[single], geom_idx[single]
        pure = shapely.contains_properly(self.geoms[s_geoms], boxes[s_cells])
        value[s_cells[pure]] = s_geoms[pure]
        self.cell_value = value.tolist()
        # Candidates of every cell as CSR (starts + one flat list), sorted by key within a cell.
        self.cand_starts = np.searchsorted(cell_idx, np.arange(ncells + 1)).tolist()
        self.cand_flat = geom_idx.tolist()
        touched = np.count_nonzero(counts)
        self.pure_share = float(np.count_nonzero(value >= 0)) / max(1, touched)
        self.edges = _edge_lists(self.geoms)

    # ------------------------------------------------------------ lookups

    def find_index(self, lon: float, lat: float) -> int | None:
        """Position (in key order) of the polygon holding the point, or None."""
        # _cell() inlined: this is the hot path, a Python call costs ~0.1 µs.
        if not (self.x0 <= lon <= self.x1 and self.y0 <= lat <= self.y1):
            return None  # also rejects NaN
        cx = int((lon - self.x0) * self.ix)
        cy = int((lat - self.y0) * self.iy)
        cell = (cy if cy < self.ny else self.ny - 1) * self.nx + (
            cx if cx < self.nx else self.nx - 1
        )
        value = self.cell_value[cell]
        if value >= 0:
            return value
        if value == _EMPTY:
            return None
        edges = self.edges
        for g in self.cand_flat[self.cand_starts[cell] : self.cand_starts[cell + 1]]:
            ring_edges = edges[g]
            inside = None if ring_edges is None else _crossing_test(ring_edges, lon, lat)
            if inside is None:  # on or within a hair of an edge (or a huge polygon): ask GEOS
                inside = bool(_intersects_xy(self.geoms[g], lon, lat))
            if inside:
                return g
        return None

    def find(self, lon: float, lat: float) -> int | None:
        """Key of the polygon holding the point (lowest key on a shared border), or None."""
        g = self.find_index(lon, lat)
        return None if g is None else self.keys[g]

    def find_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Vectorised find for batches: positions in key order, -1 where no polygon holds a point."""
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        out = np.full(lons.shape, -1, dtype=np.int64)
        if self.tree is None or lons.size == 0:
            return out
        inside = (lons >= self.x0) & (lons <= self.x1) & (lats >= self.y0) & (lats <= self.y1)
        where = np.flatnonzero(inside)
        cx = np.minimum(((lons[where] - self.x0) * self.ix).astype(np.int64), self.nx - 1)
        cy = np.minimum(((lats[where] - self.y0) * self.iy).astype(np.int64), self.ny - 1)
        values = np.asarray(self.cell_value, dtype=np.int64)[cy * self.nx + cx]
        out[where] = np.where(values >= 0, values, -1)
        rest = where[values == _MIXED]
        if rest.size:
            pts = shapely.points(lons[rest], lats[rest])
            p_idx, g_idx = self.tree.query(pts, predicate="intersects")
            best = np.full(rest.size, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best, p_idx, g_idx)
            found = best != np.iinfo(np.int64).max
            out[rest[found]] = best[found]
        return out

    def brute_force(self, lon: float, lat: float) -> int | None:
        """The reference answer: test every polygon. For tests and the benchmark only."""
        if self.tree is None:
            return None
        hits = np.flatnonzero(shapely.intersects_xy(self.geoms, lon, lat))
        return int(hits[0]) if hits.size else None

    def nearest(self, lon: float, lat: float, max_m: float) -> tuple[int, float] | None:
        """(key, metres) of the closest polygon within max_m of the point; ties to the lowest key.

        Distances are measured on a local equirectangular projection, which is exact to well
        under a centimetre at snapping distances (tens of metres).
        """
        if self.tree is None or max_m <= 0 or not (math.isfinite(lon) and math.isfinite(lat)):
            return None
        kx = METRES_PER_DEG_LAT * math.cos(math.radians(lat))
        ky = METRES_PER_DEG_LAT
        if kx <= 0:
            return None
        rx, ry = max_m / kx, max_m / ky
        window = shapely.box(lon - rx, lat - ry, lon + rx, lat + ry)
        origin = np.array([lon, lat])
        scale = np.array([kx, ky])
        best: tuple[float, int] | None = None
        for g in sorted(self.tree.query(window, predicate="intersects").tolist()):
            local = shapely.transform(self.geoms[g], lambda c: (c - origin) * scale)
            dist = float(shapely.distance(local, _ORIGIN))
            if dist <= max_m and (best is None or dist < best[0]):
                best = (dist, g)
        return None if best is None else (self.keys[best[1]], best[0])
