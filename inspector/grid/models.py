"""Nested zones: district (区) -> subdistrict (街道) -> community (社区) -> unit grid (单元网格)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

LEVELS = ("district", "subdistrict", "community", "grid")
PARENT_LEVEL = {
    "district": None,
    "subdistrict": "district",
    "community": "subdistrict",
    "grid": "community",
}


class Zone(db.Model):
    __tablename__ = "zone"
    __table_args__ = (
        CheckConstraint(
            "level IN ('district', 'subdistrict', 'community', 'grid')", name="level_known"
        ),
        CheckConstraint(
            "(level = 'district') = (parent_id IS NULL)", name="parent_unless_district"
        ),
        Index("ix_zone_bbox", "min_lon", "min_lat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(12), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    # GeoJSON geometry (WGS-84). Plain text keeps SQLite and PostgreSQL alike; lookups use an
    # in-memory spatial index, the bbox columns let SQL pre-filter.
    geometry: Mapped[str] = mapped_column(Text)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent = relationship("Zone", remote_side=[id])
    unit = relationship("Unit")
