"""Which cases are on the public 曝光台, who put them there and with what public text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class CaseExposure(db.Model):
    __tablename__ = "case_exposure"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    # The text the public reads: the supervisor's, never the reporter's own words.
    note: Mapped[str] = mapped_column(Text)
    exposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    exposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Areas the supervisor marked to blur, on top of the detector's faces and plates:
    # {"<photo id>": [[x, y, width, height], ...]} in fractions of the picture (0..1).
    blur_marks: Mapped[dict | None] = mapped_column(JSON)

    case = relationship("Case")
