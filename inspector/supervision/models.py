"""Published bulletins (周通报 / 月总结): frozen documents whose numbers never move again;
the weekly unit tables the yellow flag replays (snapshots)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class Bulletin(db.Model):
    """One published bulletin per kind, period and scope: its JSON numbers, HTML page and PDF, with the
    PDF's SHA-256 and who published it. Written once; nothing updates it afterwards."""

    __tablename__ = "bulletin"
    __table_args__ = (
        UniqueConstraint("kind", "period", "scope"),
        CheckConstraint("kind IN ('weekly', 'monthly')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))  # 2026-W47 or 2026-11
    # Whose bulletin: "" the whole city, else the bound zones' codes ("429901"); see scopes.py.
    scope: Mapped[str] = mapped_column(String(200), default="", server_default="")
    data: Mapped[dict] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    published_by_role: Mapped[str] = mapped_column(String(20))

    published_by = relationship("Account")


class WeekSnapshot(db.Model):
    """The city's unit table of one week as it stood when the week closed: taken by the first
    `tick` after the week's end (snapshots.py), written once, never rewritten.

    The yellow flag's replay reads these for the weeks after the last published bulletin
    instead of recomputing each week's table from the whole history (3.2 s of the first
    bulletin at a million cases), and the flag is then decided by the numbers each week closed
    with, not by late events that changed them afterwards."""

    __tablename__ = "week_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), unique=True)  # 2026-W47
    units: Mapped[list] = mapped_column(JSON)  # the unit table's items, as unit_items answers
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
