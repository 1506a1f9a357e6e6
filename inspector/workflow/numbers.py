"""Human case numbers: the China-time date and a per-day sequence, e.g. 2026112700042."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..logs import note_case
from ..timeutil import CHINA
from .models import CaseCounter


def next_case_number(now: datetime) -> str:
    """One atomic upsert: concurrent intakes on several hosts never share a number."""
    day = now.astimezone(CHINA).strftime("%Y%m%d")
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(CaseCounter)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=["day"], set_={"last": CaseCounter.last + 1})
        .returning(CaseCounter.last)
    )
    seq = db.session.execute(stmt).scalar_one()
    number = f"{day}{seq:05d}"
    note_case(number)  # the request's log lines name the case it opened
    return number
