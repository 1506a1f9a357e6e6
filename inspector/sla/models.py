"""Notifications of the SLA job (due-time warnings, 督办 / 挂牌督办) and of missed patrols (巡查漏检),
who has read them, and the official schedules an admin loaded (`calendar load`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

KINDS = ("warn", "escalate", "patrol_missed", "takeover")
RECIPIENTS = ("unit", "unit_head", "account")


def _sql_list(values: tuple[str, ...]) -> str:
    """('a', 'b'): the constraint text the migration wrote, made from the same tuple."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Notification(db.Model):
    """A message about a case to a unit (or to its head, for 挂牌督办), or a message to one account
    (`account_id`: a missed patrol to its assignee and to the plan's author; `patrol_miss_id`
    names the slot). Read state is per account."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(f"kind IN {_sql_list(KINDS)}", name="kind_known"),
        CheckConstraint(f"recipient IN {_sql_list(RECIPIENTS)}", name="recipient_known"),
        CheckConstraint("case_id IS NOT NULL OR account_id IS NOT NULL", name="addressed"),
        Index("ix_notification_unit_id_id", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    patrol_miss_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_miss.id"))
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[int | None] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(20), default="unit")
    recipient_name: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)

    case = relationship("Case")
    unit = relationship("Unit")


class NotificationRead(db.Model):
    __tablename__ = "notification_read"

    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarYear(db.Model):
    """A year whose official schedule was loaded: it takes precedence over the packages."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    notice: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))  # of the loaded file: which text was used
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarDay(db.Model):
    """A holiday or a make-up working day (调休上班) of a loaded year; other days are ordinary."""

    __tablename__ = "calendar_day"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'makeup_workday')", name="kind_known"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_year.year"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(60))
