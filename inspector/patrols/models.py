"""Patrol plans (巡查): who walks which point or grid how often, each check-in with its on-site
photos, and the missed slots already announced (so `tick` tells people once)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow

FREQUENCIES = ("day", "week")
FREQUENCY_ZH = {"day": "每天", "week": "每周"}
WEEKDAY_ZH = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


class PatrolPlan(db.Model):
    """A point or a grid, the grid worker or volunteer who patrols it, and how often.

    `every` = day: one slot per calendar day (China time). `every` = week: one slot on the ISO
    weekday `weekday` (1 = Monday), or, without a weekday, one slot per ISO week (Monday to
    Sunday) to be done on any of its days. `working_days_only` drops the days that are not
    official working days (weekends, holidays; make-up working days count). `grid_id` is the
    target grid, or the grid of a point's place: it decides who may see the plan.
    """

    __tablename__ = "patrol_plan"
    __table_args__ = (
        CheckConstraint("every IN ('day', 'week')", name="every_known"),
        CheckConstraint("weekday IS NULL OR (weekday BETWEEN 1 AND 7)", name="weekday_iso"),
        CheckConstraint("every = 'week' OR weekday IS NULL", name="weekday_only_weekly"),
        CheckConstraint("(point_id IS NULL) <> (zone_id IS NULL)", name="one_target"),
        CheckConstraint("end_date IS NULL OR start_date <= end_date", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_point.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    every: Mapped[str] = mapped_column(String(8))
    weekday: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    working_days_only: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    point = relationship("EvaluationPoint")
    zone = relationship("Zone", foreign_keys=[zone_id])
    grid = relationship("Zone", foreign_keys=[grid_id])
    assignee = relationship("Account", foreign_keys=[assignee_id])
    created_by = relationship("Account", foreign_keys=[created_by_id])


patrol_photo = Table(
    "patrol_photo",
    db.metadata,
    Column("check_in_id", ForeignKey("patrol_check_in.id"), primary_key=True),
    Column("photo_id", ForeignKey("photo.id"), primary_key=True, unique=True),
)


class PatrolCheckIn(db.Model):
    """One on-site check-in of a plan's slot (`slot_date`: the day, or the Monday of the ISO week).
    Only check-ins that passed the place and time checks are stored."""

    __tablename__ = "patrol_check_in"
    __table_args__ = (Index("ix_patrol_check_in_plan_id_slot_date", "plan_id", "slot_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plan.id"))
    slot_date: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lat: Mapped[float] = mapped_column(Float)  # where the check put the caller (WGS-84)
    lon: Mapped[float] = mapped_column(Float)
    position_basis: Mapped[str] = mapped_column(String(10))  # photo | device
    distance_m: Mapped[float] = mapped_column(Float)
    problem: Mapped[bool] = mapped_column(default=False)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    note: Mapped[str | None] = mapped_column(Text)

    plan = relationship("PatrolPlan")
    account = relationship("Account")
    report = relationship("Report")
    photos = relationship("Photo", secondary=patrol_photo, order_by="Photo.position")


class PatrolMiss(db.Model):
    """A slot that passed without a check-in, recorded when `tick` first saw it and told the
    assignee and the plan's author; the unique key makes a second `tick` (or host) a no-op."""

    __tablename__ = "patrol_miss"
    __table_args__ = (UniqueConstraint("plan_id", "slot_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plan.id"))
    slot_date: Mapped[date] = mapped_column(Date)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan = relationship("PatrolPlan")
