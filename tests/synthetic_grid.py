"""A generated city of irregular unit grids (Voronoi cells), shared by tests and bench/grid.py.

Real grids follow streets and are anything but squares; Voronoi cells of random seeds give the
same irregular shapes, shared borders and many-vertex corners. ~100 m cells like 万米单元网格.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

GRID_SIDE_DEG = 0.001  # ~100 m


def voronoi_cells(
    n: int, seed: int = 1, origin: tuple[float, float] = (113.0, 30.5)
) -> tuple[list[Any], tuple[float, float, float, float]]:
    """n irregular polygons tiling a square (lon/lat degrees) and that square's bounds."""
    rng = np.random.default_rng(seed)
    side = math.sqrt(n) * GRID_SIDE_DEG
    x0, y0 = origin
    seeds = shapely.multipoints(np.c_[x0 + rng.random(n) * side, y0 + rng.random(n) * side])
    frame = shapely.box(x0, y0, x0 + side, y0 + side)
    cells = shapely.voronoi_polygons(seeds, extend_to=frame)
    clipped = shapely.intersection(np.array(list(cells.geoms), dtype=object), frame)
    polys = [c for c in clipped.tolist() if c.geom_type == "Polygon" and c.area > 0]
    return polys, (x0, y0, x0 + side, y0 + side)


def voronoi_city(n: int, seed: int = 1, district: str = "429990") -> dict[str, Any]:
    """A FeatureCollection: one district, subdistrict and community around n Voronoi grids."""
    cells, (x0, y0, x1, y1) = voronoi_cells(n, seed)
    frame = mapping(shapely.box(x0, y0, x1, y1))
    sub, community = f"{district}001", f"{district}001001"

    def feature(code: str, name: str, level: str, geom: Any, parent: str | None) -> dict:
        props = {"code": code, "name": name, "level": level}
        if parent:
            props["parent_code"] = parent
        return {"type": "Feature", "properties": props, "geometry": geom}

    features = [
        feature(district, "测试区", "district", frame, None),
        feature(sub, "测试街道", "subdistrict", frame, district),
        feature(community, "测试社区", "community", frame, sub),
    ]
    for i, cell in enumerate(cells, start=1):
        features.append(
            # 15 digits; past 999 grids the sequence borrows the subdistrict/community digits.
            feature(f"{district}{i:09d}", f"测试网格{i}", "grid", mapping(cell), community)
        )
    return {"type": "FeatureCollection", "features": features}
