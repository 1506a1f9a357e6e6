"""`/healthz` (the process answers) and `/readyz` (it can do its work: database and photo
storage reachable). Load balancers take a host out of rotation on a 503 from /readyz; a
failing /healthz means restart the process. Both are outside the API prefix and carry no data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint
from sqlalchemy import text

from .access.auth import public
from .errors import error_response
from .extensions import db

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__)

# Chinese names of the parts, for the 503 message.
PART_NAMES = {"database": "数据库", "storage": "照片存储"}


def _database() -> None:
    db.session.execute(text("SELECT 1"))


def _storage() -> None:
    from .photos.service import storage

    storage().check()


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "storage": _storage}


def readiness() -> dict[str, bool]:
    """Each part's state (True: usable). A failure is logged with its cause, never answered:
    /readyz is public and exception texts may name internal hosts."""
    states = {}
    for name, check in CHECKS.items():
        try:
            check()
            states[name] = True
        except Exception:  # noqa: BLE001 - any failure means "not ready", whatever its kind
            log.exception("readyz: %s is not usable", name)
            states[name] = False
    db.session.rollback()  # end the read-only check transaction; nothing to commit
    return states


@blp.route("/healthz")
@public("存活探针,不含数据 / liveness probe, no data")
def healthz() -> dict:
    return {"status": "ok"}


@blp.route("/readyz")
@public("就绪探针,只给出各部分是否可用 / readiness probe, parts' states only")
def readyz():  # noqa: ANN201 - a dict or a 503 response
    states = readiness()
    checks = {name: "ok" if ok else "failed" for name, ok in states.items()}
    failed = [name for name, ok in states.items() if not ok]
    if not failed:
        return {"status": "ok", "checks": checks}
    zh = "、".join(PART_NAMES[name] for name in failed)
    return error_response(
        503,
        "not_ready",
        f"{zh}不可用 / not ready: {', '.join(failed)}",
        {"failed": failed, "checks": checks},
    )
