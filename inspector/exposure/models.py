"""Which cases are on the public 曝光台, who put them there and with what public text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
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

    case = relationship("Case")
