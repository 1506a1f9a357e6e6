"""Notifications as JSON (output shapes of the SLA package)."""

from __future__ import annotations

from datetime import datetime

from ..timeutil import iso_local
from .models import Notification
from .rules import LEVEL_NAMES


def notification_json(n: Notification, read_at: datetime | None = None) -> dict:
    return {
        "id": n.id,
        "created_at": iso_local(n.created_at),
        "kind": n.kind,
        "level": n.level,
        "level_name": LEVEL_NAMES.get(n.level) if n.level else None,
        "recipient": n.recipient,
        "recipient_name": n.recipient_name,
        "message": n.message,
        "case": {"id": n.case_id, "number": n.case.number} if n.case_id else None,
        "patrol_miss_id": n.patrol_miss_id,
        "unit_code": n.unit.code if n.unit else None,
        "read": read_at is not None,
        "read_at": iso_local(read_at),
    }
