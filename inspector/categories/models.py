"""Report categories: 事件 (events) and 部件 (components), with their time limits."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

FAMILIES = {"event": "事件", "component": "部件"}
TIME_UNITS = {"work_hours": "工作时", "work_days": "工作日"}


class Category(db.Model):
    __tablename__ = "category"
    __table_args__ = (
        CheckConstraint("family IN ('event', 'component')", name="family_known"),
        CheckConstraint("time_limit_unit IN ('work_hours', 'work_days')", name="time_unit_known"),
        CheckConstraint("time_limit_value > 0", name="time_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(120))
    family: Mapped[str] = mapped_column(String(12))
    time_limit_value: Mapped[int] = mapped_column()
    time_limit_unit: Mapped[str] = mapped_column(String(12))
    default_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    filing_condition: Mapped[str | None] = mapped_column(Text)
    closing_condition: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    # 逾期上交下一级 ("到期后不拆的,由所在镇、街道负责整治"): an overdue case passes to the unit of its
    # subdistrict after this many 督办 of its current unit, or this many hours past due (NULL: never).
    # A findings batch's own settings win over these (sla/takeover.py).
    takeover_after_escalations: Mapped[int | None] = mapped_column()
    takeover_after_hours: Mapped[int | None] = mapped_column()

    default_unit = relationship("Unit")
