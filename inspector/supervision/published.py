"""Reads of published bulletins: what other parts (the yellow flag's history) take as fixed."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Bulletin


def published(kind: str, period: str, scope: str = "") -> Bulletin | None:
    """The bulletin published for `scope` ("" the city's, see scopes.py)."""
    return db.session.scalar(
        select(Bulletin).where(
            Bulletin.kind == kind, Bulletin.period == period, Bulletin.scope == scope
        )
    )


def frozen_units(week: str) -> list[dict] | None:
    """The unit table of the city's published weekly bulletin, or None when not published
    (a district's bulletin never fixes the city's table or flag)."""
    bulletin = published("weekly", week)
    return bulletin.data["units"] if bulletin is not None else None


def last_published_week(before: str) -> tuple[str, list[dict]] | None:
    """(week, yellow flag history) of the latest city weekly bulletin published before `before`.

    Week labels (2026-W47) sort as text in time order, so a plain comparison finds it.
    """
    bulletin = db.session.scalar(
        select(Bulletin)
        .where(Bulletin.kind == "weekly", Bulletin.period < before, Bulletin.scope == "")
        .order_by(Bulletin.period.desc())
        .limit(1)
    )
    if bulletin is None:
        return None
    return bulletin.period, bulletin.data.get("yellow_flag_history", [])


def latest_published(kind: str) -> Bulletin | None:
    """The most recent published bulletin of a kind (the 曝光台 names its bottom units)."""
    return db.session.scalar(
        select(Bulletin).where(Bulletin.kind == kind).order_by(Bulletin.period.desc()).limit(1)
    )
