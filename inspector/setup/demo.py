"""Builds the demo county from demo_data through the same services the admin API uses."""

from __future__ import annotations

from typing import Any

from ..access.service import create_account
from ..categories.service import upsert_category
from ..grid.service import import_zones
from ..org.service import upsert_unit
from ..points.service import upsert_point
from ..routing.service import upsert_rule
from . import demo_data as d


def _box(col: float, row: float, width: float = 1, height: float = 1) -> dict[str, Any]:
    """A rectangle in city grid units (col east, row north of the origin) as GeoJSON."""
    x0, y0 = d.ORIGIN_LON + col * d.GRID_DLON, d.ORIGIN_LAT + row * d.GRID_DLAT
    x1, y1 = x0 + width * d.GRID_DLON, y0 + height * d.GRID_DLAT
    ring = [
        [round(x, 7), round(y, 7)] for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _feature(
    code: str,
    name: str,
    level: str,
    geometry: dict,
    parent: str | None = None,
    unit: str | None = None,
) -> dict:
    props = {"code": code, "name": name, "level": level}
    if parent:
        props["parent_code"] = parent
    if unit:
        props["unit_code"] = unit
    return {"type": "Feature", "properties": props, "geometry": geometry}


def zone_features() -> list[dict]:
    """Two districts side by side; each has two subdistricts stacked south to north; each of
    those two communities side by side; each community 5 x 5 unit grids (200 grids in all)."""
    n = d.GRIDS_PER_SIDE
    out: list[dict] = []
    for di, district in enumerate(d.DISTRICTS):
        dcol = di * 2 * n
        out.append(
            _feature(district["code"], district["name"], "district", _box(dcol, 0, 2 * n, 2 * n))
        )
        for si, sub in enumerate(district["subdistricts"]):
            scode = district["code"] + sub["code"]
            out.append(
                _feature(
                    scode,
                    sub["name"],
                    "subdistrict",
                    _box(dcol, si * n, 2 * n, n),
                    district["code"],
                    f"jd-{scode}",  # the 街道办: takes over long-overdue cases (sla/takeover.py)
                )
            )
            for ci, (part, cname) in enumerate(sub["communities"]):
                ccode, ccol = scode + part, dcol + ci * n
                out.append(_feature(ccode, cname, "community", _box(ccol, si * n, n, n), scode))
                for seq in range(1, n * n + 1):
                    row, col = divmod(seq - 1, n)
                    geom = _box(ccol + col, si * n + row)
                    out.append(
                        _feature(
                            f"{ccode}{seq:03d}",
                            f"{cname}{seq:02d}号网格",
                            "grid",
                            geom,
                            ccode,
                            f"sq-{ccode}",
                        )
                    )
    return out


def grid_center(code: str) -> tuple[float, float]:
    """(lat, lon) of a demo grid's centre: handy for tests and the README's example."""
    for feature in zone_features():
        if feature["properties"]["code"] == code:
            ring = feature["geometry"]["coordinates"][0]
            return (ring[0][1] + ring[2][1]) / 2, (ring[0][0] + ring[2][0]) / 2
    raise KeyError(code)


def _units() -> None:
    for code, name, head in d.DEPARTMENTS:
        upsert_unit(code, name, "department", head)
    for district in d.DISTRICTS:
        for sub in district["subdistricts"]:
            scode = district["code"] + sub["code"]
            upsert_unit(f"jd-{scode}", f"{sub['name']}办事处", "subdistrict")
            for part, cname in sub["communities"]:
                upsert_unit(f"sq-{scode}{part}", f"{cname}居委会", "community")


def _rules() -> None:
    for district in d.DISTRICTS:
        for sub in district["subdistricts"]:
            scode = district["code"] + sub["code"]
            for category in d.SUBDISTRICT_CATEGORIES:
                upsert_rule(category, scode, f"jd-{scode}")
    for category, zone, unit in d.DISTRICT_RULES:
        upsert_rule(category, zone, unit)


def _accounts() -> None:
    first_community = [
        f["properties"]["code"] for f in zone_features() if f["properties"]["level"] == "grid"
    ][: d.GRIDS_PER_SIDE**2]
    for username, role, name, unit, zones in d.ACCOUNTS:
        codes = first_community if zones else []
        create_account(username, d.DEMO_PASSWORD, role, unit, codes, name, phone=None)


def load_demo() -> dict[str, int]:
    """Idempotent: every piece is an upsert by code, so loading twice changes nothing."""
    _units()
    features = zone_features()
    imported = import_zones({"type": "FeatureCollection", "features": features})
    for code, name, name_en, family, (value, unit), owner in d.CATEGORIES:
        upsert_category(code, name, family, {"value": value, "unit": unit}, owner, name_en)
    _rules()
    for code, name, kind, owner, (col, row), (w, h), camera in d.POINTS:
        upsert_point(code, name, kind, owner, _box(col, row, w, h), camera)
    _accounts()
    return {
        "zones": imported,
        "grids": sum(1 for f in features if f["properties"]["level"] == "grid"),
        "categories": len(d.CATEGORIES),
        "points": len(d.POINTS),
        "accounts": len(d.ACCOUNTS),
    }
