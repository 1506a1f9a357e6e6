"""Answer shapes of zones and places for the OpenAPI document (grid.service; documentation
only: views send their dicts as they are). Not `inspector.schemas`: it imports this package."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer, CodeName, LatLon


class ZoneOut(Answer):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    parent_code = fields.String(required=True, allow_none=True)
    unit_code = fields.String(required=True, allow_none=True)


class ZoneChain(Answer):
    """A point's zones, one per level it falls in (Location.as_json)."""

    district = fields.Nested(CodeName)
    subdistrict = fields.Nested(CodeName)
    community = fields.Nested(CodeName)
    grid = fields.Nested(CodeName)
    snapped_m = fields.Float(
        metadata={"description": "落在网格缝隙时吸附的距离 / snapped across a gap (m)"}
    )


class Position(LatLon):
    coord_sys = fields.String(required=True)


class LocationOut(ZoneChain):
    position = fields.Nested(Position, required=True)
    wgs84 = fields.Nested(LatLon, required=True)
    address = fields.String(required=True, allow_none=True)


class ConvertOut(Position):
    """A converted point: 8 decimals, in the system asked."""


class Feature(Answer):
    type = fields.String(required=True, metadata={"example": "Feature"})
    geometry = fields.Dict(required=True, allow_none=True)
    properties = fields.Dict(required=True)


class FeatureCollection(Answer):
    """GeoJSON (RFC 7946), WGS-84."""

    type = fields.String(required=True, metadata={"example": "FeatureCollection"})
    features = fields.List(fields.Nested(Feature), required=True)
