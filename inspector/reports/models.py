"""Reports: what a phone sent (随手拍 tip, patrol report, hotline ticket...), before or inside a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_reporter_created", "reporter_id", "created_at"),
        Index("ix_report_created", "created_at"),  # reporters' statistics of a period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made by the phone; unique so that a retried upload maps to the same row, even in a race.
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    source: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(32))
    tracking_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    position_source: Mapped[str] = mapped_column(String(12), default="device")
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    description: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    rating: Mapped[int | None] = mapped_column()
    rating_note: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reporter = relationship("Account")
    grid = relationship("Zone")
    category = relationship("Category")
    case = relationship("Case", back_populates="reports", foreign_keys=[case_id])
    photos = relationship("Photo", back_populates="report", order_by="Photo.position")
    # What an Open311 sender gave beyond the phone (email, names: open311/models.py), read only
    # for the staff who may see the phone (reports/present.py). Named, not imported: open311
    # sits above reports.
    open311_request = relationship("Open311Request", uselist=False, viewonly=True)
