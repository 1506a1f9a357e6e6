"""Evaluation points (测评点位): named places inspectors score, each owned by a unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

POINT_KINDS = {
    "main_road": "主次干道",
    "commercial_street": "商业大街",
    "intersection": "交通路口",
    "night_market": "夜市",
    "farmers_market": "农贸市场",
    "park": "公园",
    "square": "广场",
    "cultural_venue": "文化场馆",
    "scenic_area": "景区",
    "back_lane": "背街小巷",
    "service_window": "窗口单位",
    "urban_village": "城中村",
    "urban_rural_fringe": "城乡结合部",
}


class EvaluationPoint(db.Model):
    __tablename__ = "evaluation_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    geometry: Mapped[str] = mapped_column(Text)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    camera: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit = relationship("Unit")
