"""UTC in storage, Asia/Shanghai for people: the two conversions every module needs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes in this codebase are always UTC (that is how they are stored)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_local(value: datetime | None) -> str | None:
    """Render for people and API clients: ISO 8601 with the +08:00 offset."""
    if value is None:
        return None
    return as_utc(value).astimezone(CHINA).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 time; a time without offset is read as China time (what people type)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    return value.astimezone(UTC)
