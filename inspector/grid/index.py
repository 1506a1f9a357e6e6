"""Point -> polygon lookup over an STRtree. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry


class PolygonIndex:
    """Finds which of many polygons holds a point; a border point goes to the lowest key."""

    def __init__(self, items: Sequence[tuple[int, BaseGeometry]]) -> None:
        ordered = sorted(items, key=lambda item: item[0])
        self.keys = [key for key, _ in ordered]
        self.geoms = [geom for _, geom in ordered]
        for geom in self.geoms:
            shapely.prepare(geom)
        self.tree = STRtree(self.geoms) if self.geoms else None

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, lon: float, lat: float) -> int | None:
        if self.tree is None:
            return None
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return self.keys[int(min(hits))]

    def nearest(self, lon: float, lat: float) -> tuple[int, BaseGeometry] | None:
        if self.tree is None:
            return None
        idx = self.tree.nearest(shapely.Point(lon, lat))
        if idx is None:
            return None
        return self.keys[int(idx)], self.geoms[int(idx)]
