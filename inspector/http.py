"""The unit of work of a request: views commit once at the end; a failed commit is a 409, not a 500."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .errors import ApiError
from .extensions import db


def commit() -> None:
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError) as exc:
        db.session.rollback()
        raise ApiError(
            409,
            "conflict",
            "数据已被他人修改,请刷新后重试 / Changed concurrently, reload and retry",
        ) from exc
