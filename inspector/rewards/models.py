"""The reward ledger: one append-only line per decision about a tip, and the claim rows that
serialise decisions that must not race (the monthly cap, the place x category x day slot)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow


class RewardEntry(db.Model):
    """One line of a person's ledger. Never updated or deleted: a reward taken back is a new
    negative line that names the line it reverses (`reverses_id`, unique: reversed once).
    Denials are lines of 0 points, so the resident sees why a tip paid nothing."""

    __tablename__ = "reward_entry"
    __table_args__ = (
        Index("ix_reward_entry_account_month", "account_id", "month"),
        Index("ix_reward_entry_month", "month"),
        # The place x category x day rule looks for paid tips of one category on one day.
        Index("ix_reward_entry_slot", "category_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    points: Mapped[int] = mapped_column(Integer)  # > 0 earned, 0 denied, < 0 reversed
    code: Mapped[str] = mapped_column(String(40))  # rules.CODES
    reason: Mapped[str] = mapped_column(Text)  # zh-CN first, for the person
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True)
    # The China-time month the points count in (cap, leaderboard); a reversal counts in the
    # month of the line it takes back.
    month: Mapped[str] = mapped_column(String(7))
    # Where and on which China-time day the tip was made: the slot a paid tip occupies.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    day: Mapped[date | None] = mapped_column(Date)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("reward_entry.id"), unique=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account = relationship("Account")
    case = relationship("Case")


class RewardClaim(db.Model):
    """A row per decision key (`account:7`, `slot:3:2026-11-28`), bumped by an upsert before a
    tip is judged: a second filing judged at the same time waits for the first to commit and
    then sees its lines, so two parallel filings can neither both pass the cap nor both take
    one place's slot."""

    __tablename__ = "reward_claim"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
