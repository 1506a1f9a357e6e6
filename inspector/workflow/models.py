"""Cases and their append-only, hash-chained timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import as_utc, iso_local, utcnow
from .states import CLOCK_RUNNING

STATUSES = (
    "new",
    "verifying",
    "filed",
    "dispatched",
    "returned",
    "rectified",
    "closed",
    "rejected",
    "merged",
    "void",
)
# Where a case's first report came from, as dispatchers name it (`source_name` in report and case
# answers); intake (reports/service.py) decides which source a report has.
SOURCES = {
    "patrol": "网格员巡查上报",
    "tip": "市民随手拍",
    "volunteer": "志愿者上报",
    "hotline": "12345热线",
    "covert": "暗访督查",
    "media": "媒体曝光",
    "open311": "Open311 接口",
    "inspection": "督查问题清单",
}


def overdue(status: str, due_at: datetime | None, now: datetime | None = None) -> bool:
    """Overdue = the unit's clock is running (`dispatched`) and its due time has passed. (A case
    and a list row, workflow/listing.py, both ask here.)"""
    now = as_utc(now or utcnow())
    return status in CLOCK_RUNNING and due_at is not None and as_utc(due_at) < now


_STATUS_LIST = ", ".join(f"'{s}'" for s in STATUSES)


OPEN_DUE_COLUMNS = (
    "due_at",
    "status",
    "dispatched_at",
    "rectified_at",
    "closed_at",
    "unit_id",
    "district_id",
    "category_id",
)


class Case(db.Model):
    __tablename__ = "case"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status_known"),
        Index("ix_case_unit_status_due", "unit_id", "status", "due_at"),
        Index("ix_case_grid_status", "grid_id", "status"),
        Index("ix_case_status_due", "status", "due_at"),
        Index("ix_case_category_created", "category_id", "created_at"),
        Index("ix_case_lat_lon", "lat", "lon"),
        # Statistics (supervision/queries.py): 应结案 by deadline or closing time, 受理 by day.
        Index("ix_case_due_at", "due_at"),
        Index("ix_case_closed_at", "closed_at"),
        Index("ix_case_created_at", "created_at"),
        # Lists page newest first by id (0016): each filter's columns, then id, so a page is
        # read off the index instead of sorting every match (bench/case_lists.py).
        Index("ix_case_unit_status_id", "unit_id", "status", "id"),
        Index("ix_case_unit_id", "unit_id", "id"),
        Index("ix_case_status_id", "status", "id"),
        Index("ix_case_grid_id", "grid_id", "id"),
        Index("ix_case_category_id", "category_id", "id"),
        # Staff bound to a community or a subdistrict (0021): their zones' page, newest first.
        Index("ix_case_community_id", "community_id", "id"),
        Index("ix_case_subdistrict_id", "subdistrict_id", "id"),
        # Intake's duplicate search (workflow/nearby.py): open cases of a category near a spot.
        Index("ix_case_category_status_lat_lon", "category_id", "status", "lat", "lon"),
        # Overdue open cases (0017): the few still at a unit, by deadline, with every column the
        # overdue figures read and group by (unit, district, category): read off the index alone.
        Index(
            "ix_case_open_due",
            *OPEN_DUE_COLUMNS,
            postgresql_where=text("status IN ('dispatched', 'rectified')"),
            sqlite_where=text("status IN ('dispatched', 'rectified')"),
        ),
        # 立案 per family and category in a period (0017): read by filing time.
        Index("ix_case_filed_at", "filed_at"),
        # 反弹 (recurrences) of a period (0017): the ~2 % of cases that are one, by creation;
        # without it PostgreSQL hashed every case to join the month's few hundred.
        Index(
            "ix_case_recurrence_created",
            "created_at",
            "recurrence_of_id",
            postgresql_where=text("recurrence_of_id IS NOT NULL"),
            sqlite_where=text("recurrence_of_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="new")
    source: Mapped[str] = mapped_column(String(20))
    # The 12345 platform's 工单编号 of an imported hotline ticket: a re-import finds its case.
    ticket_no: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    # The grid's ancestors, copied at intake: zone-bound staff and district statistics filter on them.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    subdistrict_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_point.id"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    description: Mapped[str | None] = mapped_column(Text)
    # Human-readable place, made once at intake (zone names, or a geocoder when configured).
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # due_at reaches into a year without an official schedule (statutory holidays only): it may
    # move when the year's schedule is loaded (sla/schedule.py).
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The due_at the SLA job last escalated: one 督办 per due period (sla/service.py).
    escalated_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    overdue_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    # A unit's pending 延期 request: {"value", "unit", "note", "event_seq"}; cleared when decided.
    extension_request: Mapped[dict | None] = mapped_column(JSON)
    recurrence_of_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    # The findings list (问题清单) this case came from (inspector/findings/).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("finding_batch.id"), index=True)
    # Optimistic lock: two dispatchers acting at once -> the second flush fails -> 409.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    category = relationship("Category")
    unit = relationship("Unit")
    grid = relationship("Zone", foreign_keys=[grid_id])
    point = relationship("EvaluationPoint")
    reports = relationship("Report", back_populates="case", foreign_keys="Report.case_id")
    events = relationship("CaseEvent", back_populates="case", order_by="CaseEvent.seq")

    def is_overdue(self, now: datetime | None = None) -> bool:
        return overdue(self.status, self.due_at, now)

    def due_data(self) -> dict[str, Any]:
        """The due time as timeline events and answers carry it; `due_provisional` only if true."""
        data: dict[str, Any] = {"due_at": iso_local(self.due_at)}
        if self.due_provisional:
            data["due_provisional"] = True
        return data


class CaseEvent(db.Model):
    """One step of a case. Never updated or deleted: hash chains each event to the previous one."""

    __tablename__ = "case_event"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        # Statistics count actions (dispatch, 退回, 整改...) in a period.
        Index("ix_case_event_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    case = relationship("Case", back_populates="events")
    actor = relationship("Account")
    photos = relationship("Photo", back_populates="event", order_by="Photo.position")


class CaseEventFact(db.Model):
    """What the statistics count of one event, in plain columns: written with the event (one row
    per event, timeline.append) and never changed, like the event itself.

    The indicators read these instead of the event's JSON: a month's figures group ~350,000
    events by the unit they name and the check's verdict, and parsing each `data` text cost
    more than the rest of the query (bench/README.md). A narrow row with a covering index
    (action, at, ...) lets both databases answer from the index alone. `unit_code` and `passed`
    are copied from `data` as recorded; NULL where the event did not carry them."""

    __tablename__ = "case_event_fact"
    __table_args__ = (
        Index(
            "ix_case_event_fact_action_at",
            "action",
            "at",
            "unit_code",
            "passed",
            "case_id",
        ),
        # Events that name no unit (recorded before events carried it): charged to the case's
        # unit through a join, so only these few go through it (0017).
        Index(
            "ix_case_event_fact_unnamed",
            "action",
            "at",
            "case_id",
            postgresql_where=text("unit_code IS NULL"),
            sqlite_where=text("unit_code IS NULL"),
        ),
    )

    # CASCADE: events are never deleted (append-only triggers); if someone forces it, the fact
    # goes with the event, so figures and `audit verify` see the same cut timeline.
    event_id: Mapped[int] = mapped_column(
        ForeignKey("case_event.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(30))
    unit_code: Mapped[str | None] = mapped_column(String(40))
    passed: Mapped[bool | None] = mapped_column(Boolean)

    event = relationship("CaseEvent")

    @classmethod
    def of(cls, event: CaseEvent) -> CaseEventFact:
        data = event.data or {}
        code, passed = data.get("unit_code"), data.get("passed")
        return cls(
            event=event,
            case_id=event.case_id,
            at=event.at,
            action=event.action,
            unit_code=str(code) if code is not None else None,
            passed=None if passed is None else passed not in (False, 0, "false", "0"),
        )


class CaseAnchor(db.Model):
    """The authenticated head of a case's timeline, rewritten in the transaction of each event.

    The chain alone cannot show a cut tail (the shorter chain still links up); the anchor says
    how many events there are and which digest is last, under an HMAC with the audit key, so
    neither can be changed without the key. `legacy_count`: the first events, chained with plain
    SHA-256 before revision 0003 (sealed by the migration), after which every digest is keyed.
    """

    __tablename__ = "case_anchor"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), primary_key=True)
    event_count: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    legacy_count: Mapped[int] = mapped_column(Integer, default=0)
    mac: Mapped[str] = mapped_column(String(64))


class CaseCounter(db.Model):
    """Per-day sequence for human case numbers (2026112700042)."""

    __tablename__ = "case_counter"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(CaseEvent, "before_update")
def _no_update(mapper, connection, target):  # noqa: ANN001
    raise AppendOnlyError("case events are append-only (案件流水不可修改)")


@event.listens_for(CaseEvent, "before_delete")
def _no_delete(mapper, connection, target):  # noqa: ANN001
    raise AppendOnlyError("case events are append-only (案件流水不可删除)")
