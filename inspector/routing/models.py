"""Routing rules: category x zone -> unit; the most specific zone wins."""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class RoutingRule(db.Model):
    __tablename__ = "routing_rule"
    __table_args__ = (UniqueConstraint("category_id", "zone_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))

    category = relationship("Category")
    zone = relationship("Zone")
    unit = relationship("Unit")
