"""对落后单位给予曝光: the units at the bottom (黑榜) of the latest PUBLISHED weekly bulletin.

Only frozen numbers: the bulletin's own copy of its black list, as published. A week not yet
published shows nothing new, however its live numbers move; no bulletin yet, nothing shown.
"""

from __future__ import annotations

from typing import Any

from ..supervision.published import latest_published
from ..timeutil import iso_local

# What the public reads of each unit: its name, rank and the rates the ranking rests on.
FIELDS = ("unit_name", "rank", "score", "due", "closed", "overdue_open")
RATES = ("closing_rate", "on_time_rate", "rework_rate")


def lagging_units() -> dict[str, Any] | None:
    bulletin = latest_published("weekly")
    if bulletin is None:
        return None
    data = bulletin.data
    return {
        "week": bulletin.period,
        "period": data.get("period"),
        "published_at": iso_local(bulletin.published_at),
        "ranked_units": sum(1 for u in data.get("units", []) if u.get("rank") is not None),
        "items": [
            {
                **{k: unit.get(k) for k in FIELDS},
                **{k: unit.get(k) for k in RATES},
            }
            for unit in data.get("black", [])
        ],
    }
