"""The lattice point index agrees with a brute-force test of every polygon, on every path."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from inspector.grid.index import PolygonIndex

from ..synthetic_grid import voronoi_cells


@pytest.fixture(scope="module")
def city():
    cells, bounds = voronoi_cells(1500, seed=7)
    # Keys deliberately not in geometric order, and not contiguous.
    keys = [1000 + (i * 7919) % 100_003 for i in range(len(cells))]
    return PolygonIndex(list(zip(keys, cells, strict=True))), cells, bounds


def _probe_points(cells, bounds, n: int = 4000) -> np.ndarray:
    """Random points, every cell vertex (shared by 3 cells), edge midpoints and points outside."""
    x0, y0, x1, y1 = bounds
    rng = np.random.default_rng(3)
    random = np.c_[rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)]
    coords = shapely.get_coordinates(np.array(cells[:300], dtype=object))
    mids = (coords[:-1] + coords[1:]) / 2
    outside = np.array([[x0 - 0.01, y0], [x1 + 1e-9, y1], [x0, y1 + 1e-7], [np.nan, y0]])
    corners = np.array([[x0, y0], [x1, y1], [x0, y1], [x1, y0]])
    return np.vstack([random, coords, mids, outside, corners])


def test_single_point_lookup_matches_brute_force(city):
    index, cells, bounds = city
    for lon, lat in _probe_points(cells, bounds).tolist():
        assert index.find_index(lon, lat) == index.brute_force(lon, lat), (lon, lat)


def test_batch_lookup_matches_brute_force(city):
    index, cells, bounds = city
    pts = _probe_points(cells, bounds)
    got = index.find_many(pts[:, 0], pts[:, 1])
    want = [index.brute_force(x, y) for x, y in pts.tolist()]
    assert got.tolist() == [-1 if w is None else w for w in want]


def test_the_lattice_answers_most_points_without_geometry(city):
    index, _, _ = city
    assert index.nx * index.ny >= 4 * len(index)
    assert index.pure_share > 0.2  # share of occupied cells held by a single polygon


def test_shared_border_goes_to_lowest_key():
    left, right = box(0, 0, 1, 1), box(1, 0, 2, 1)
    index = PolygonIndex([(9, left), (4, right)])
    assert index.find(1.0, 0.5) == 4  # on the shared edge
    assert index.find(1.0, 1.0) == 4  # on the shared corner
    assert index.find(0.5, 0.5) == 9
    assert index.find(1.5, 1.0) == 4  # on an outer edge
    assert index.find(2.0000001, 0.5) is None


def test_overlapping_polygons_resolve_to_lowest_key():
    index = PolygonIndex([(2, box(0, 0, 2, 2)), (1, box(1, 1, 3, 3))])
    assert index.find(1.5, 1.5) == 1
    assert index.find(0.5, 0.5) == 2
    assert index.find_many(np.array([1.5, 0.5]), np.array([1.5, 0.5])).tolist() == [0, 1]


def test_holes_and_multipolygons():
    ring = Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 3, 3).exterior.coords])
    island = MultiPolygon([box(1.5, 1.5, 2.5, 2.5), box(10, 10, 11, 11)])
    index = PolygonIndex([(1, ring), (2, island)])
    assert index.find(0.5, 0.5) == 1
    assert index.find(2.0, 2.0) == 2  # in the hole, on the island
    assert index.find(1.2, 1.2) is None  # in the hole, off the island
    assert index.find(10.5, 10.5) == 2
    assert index.find(6.0, 6.0) is None


def test_many_vertex_polygons_use_the_exact_test():
    circle = shapely.Point(0, 0).buffer(1, quad_segs=64)  # 256 edges: GEOS path
    index = PolygonIndex([(1, circle)])
    assert index.edges[0] is None
    assert index.find(0.7, 0.7) == 1 and index.find(0.72, 0.72) is None


def test_nearest_within_metres():
    lat = 30.0
    cell = box(113.0, lat, 113.001, lat + 0.001)
    index = PolygonIndex([(5, cell)])
    # ~19 m east of the east edge (1° lon ≈ 96.4 km at 30° N)
    hit = index.nearest(113.0012, lat + 0.0005, 30)
    assert hit is not None and hit[0] == 5 and 18.5 < hit[1] < 20.0
    assert index.nearest(113.0012, lat + 0.0005, 15) is None
    assert index.nearest(113.0012, lat + 0.0005, 0) is None


def test_empty_index():
    index = PolygonIndex([])
    assert index.find(1, 1) is None and index.nearest(1, 1, 100) is None
    assert index.find_many(np.array([1.0]), np.array([1.0])).tolist() == [-1]
