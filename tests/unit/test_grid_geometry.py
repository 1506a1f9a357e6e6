"""Zone polygons: what is refused, what is repaired (and said so)."""

from __future__ import annotations

import pytest

from inspector.geometry import GeometryError, check_polygon


def poly(*rings):
    return {"type": "Polygon", "coordinates": [list(map(list, r)) for r in rings]}


SQUARE = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]


def test_valid_polygon_passes_untouched():
    geom, repair = check_polygon(poly(SQUARE))
    assert geom.area == pytest.approx(1) and repair is None


def test_open_ring_is_closed_and_reported():
    geom, repair = check_polygon(poly(SQUARE[:-1]))
    assert geom.area == pytest.approx(1) and "open ring" in repair


def test_z_is_dropped():
    geom, repair = check_polygon(poly([(x, y, 12.5) for x, y in SQUARE]))
    assert not geom.has_z and "Z" in repair


def test_spike_is_repaired_safely():
    # a zero-width spike out of the top edge: invalid, but the area is unambiguous
    spiky = [(0, 0), (1, 0), (1, 1), (0.5, 1), (0.5, 2), (0.5, 1), (0, 1), (0, 0)]
    geom, repair = check_polygon(poly(spiky))
    assert geom.is_valid and geom.area == pytest.approx(1) and "repaired" in repair


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        (poly([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)]), "invalid polygon"),  # bow-tie
        (poly([(0, 0), (3, 3), (3, 0), (0, 1), (0, 0)]), "invalid polygon"),  # uneven bow-tie
        ({"type": "Point", "coordinates": [1, 1]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "invalid coordinates"),
        ({"type": "Polygon", "coordinates": "x"}, "invalid coordinates"),
        (poly([(0, 0), (200, 0), (200, 1), (0, 0)]), "out of range"),
        (poly([(0, 0), (1, 1), (2, 2), (0, 0)]), "invalid polygon"),  # collapsed to a line
        (None, "Polygon or MultiPolygon"),
    ],
)
def test_unusable_geometries_are_refused(geometry, words):
    with pytest.raises(GeometryError, match=words):
        check_polygon(geometry)
