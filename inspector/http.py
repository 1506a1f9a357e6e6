"""The unit of work of a request: views commit once at the end.

A commit that loses a race (unique key, stale version) raises IntegrityError/StaleDataError,
which the error handlers answer as 409 `conflict` - the same answer as when a flush loses it.
"""

from __future__ import annotations

from .extensions import db


def commit() -> None:
    db.session.commit()
