"""A findings batch (one list from one inspection) and its items, each tracked as a case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

# Who found the problems (the 省级暗访, 专家组, 市领导督查, 自查).
BATCH_SOURCES = {
    "province_covert": "省级暗访",
    "expert_group": "专家组督查",
    "leader": "市领导督查",
    "self_check": "自查",
}
_SOURCE_LIST = ", ".join(f"'{s}'" for s in BATCH_SOURCES)


class FindingBatch(db.Model):
    """One list. (source, name) names it: importing the same list again updates its items."""

    __tablename__ = "finding_batch"
    __table_args__ = (
        CheckConstraint(f"source IN ({_SOURCE_LIST})", name="source_known"),
        UniqueConstraint("source", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    # 整改期限 of the whole list (Asia/Shanghai calendar date, inclusive).
    due_date: Mapped[date | None] = mapped_column(Date)
    # 逾期上交下一级 for the batch's cases; when either is set they replace the category's.
    takeover_after_escalations: Mapped[int | None] = mapped_column()
    takeover_after_hours: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items = relationship("FindingItem", back_populates="batch", order_by="FindingItem.id")


class FindingItem(db.Model):
    """One line of the list and the case it became. `owner_unit_id`: who loses the marks
    (谁丢分、谁负责): the owner of the evaluation point, else the grid's responsible unit, fixed
    at import so a later change of owner does not move marks already lost."""

    __tablename__ = "finding_item"
    __table_args__ = (UniqueConstraint("batch_id", "item_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("finding_batch.id"), index=True)
    item_no: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    description: Mapped[str] = mapped_column(Text)
    lost_marks: Mapped[float | None] = mapped_column(Float)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    photo_names: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    batch = relationship("FindingBatch", back_populates="items")
    case = relationship("Case")
    owner_unit = relationship("Unit")


class Campaign(db.Model):
    """A 专项整治: a period (Asia/Shanghai dates, inclusive), an area (zones of any level and/or
    evaluation points; none = the whole city) and categories (none = all). Cases belong to it by
    these three facts, worked out when the report is read, so a late report is tagged too."""

    __tablename__ = "campaign"
    __table_args__ = (CheckConstraint("from_date <= to_date", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    zone_codes: Mapped[list] = mapped_column(JSON, default=list)
    point_codes: Mapped[list] = mapped_column(JSON, default=list)
    category_codes: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
