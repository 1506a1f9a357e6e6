"""Open311 API keys (stored hashed) and what an Open311 POST carried beyond a phone report.

The contact fields (email, names) live here, not in the report: they are private like a
resident's phone and no public answer reads this table. `retry_hash` + `retry_bucket` make a
retried POST (same key, device_id and description within the retry window) find its first case,
and the unique constraint stops two copies sent at the same instant from both landing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class Open311Key(db.Model):
    __tablename__ = "open311_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # sha256 of the key: the key itself is printed once and never stored.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Open311Request(db.Model):
    __tablename__ = "open311_request"
    __table_args__ = (UniqueConstraint("key_id", "retry_hash", "retry_bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_key.id"))
    device_id: Mapped[str | None] = mapped_column(String(120))
    # sha256(device_id + description); NULL without a device_id (then no retry matching).
    retry_hash: Mapped[str | None] = mapped_column(String(64))
    retry_bucket: Mapped[int | None] = mapped_column(Integer)
    email: Mapped[str | None] = mapped_column(String(254))
    first_name: Mapped[str | None] = mapped_column(String(80))
    last_name: Mapped[str | None] = mapped_column(String(80))
    # A link the sender gave; the server never fetches it.
    media_url: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    key = relationship("Open311Key")
    report = relationship("Report")
