"""A tiny city for zone tests (one 1 km district of two grids, away from the demo county)."""

from __future__ import annotations


def square(x0: float, y0: float, size: float) -> dict:
    x1, y1 = x0 + size, y0 + size
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feat(code, level, geometry, parent=None, name=None, **extra) -> dict:  # noqa: ANN001
    props = {"code": code, "name": name or f"区域{code}", "level": level, **extra}
    if parent:
        props["parent_code"] = parent
    return {"type": "Feature", "properties": props, "geometry": geometry}


def small_city() -> list[dict]:
    return [
        feat("429980", "district", square(113.0, 30.0, 0.01)),
        feat("429980001", "subdistrict", square(113.0, 30.0, 0.01), "429980"),
        feat("429980001001", "community", square(113.0, 30.0, 0.01), "429980001"),
        feat("429980001001001", "grid", square(113.0, 30.0, 0.005), "429980001001"),
        feat("429980001001002", "grid", square(113.005, 30.0, 0.005), "429980001001"),
    ]


def post(client, features, headers):  # noqa: ANN001, ANN201
    return client.post(
        "/api/v1/zones/import",
        json={"type": "FeatureCollection", "features": features},
        headers=headers,
    )
