"""Facts the policy needs about stored cases and reports, read by attribute (access sits below
workflow and reports, so it names neither model)."""

from __future__ import annotations

from typing import Any

from .actor import Actor
from .policy import CaseFacts
from .service import token_digest


def case_facts(case: Any) -> CaseFacts:  # noqa: ANN401 - a workflow Case
    zones = {case.grid_id, case.community_id, case.subdistrict_id, case.district_id}
    return CaseFacts(
        unit_id=case.unit_id,
        zone_ids=frozenset(z for z in zones if z is not None),
        reporter_ids=frozenset(r.reporter_id for r in case.reports if r.reporter_id is not None),
    )


def is_reporter(report: Any, actor: Actor, token: str | None) -> bool:  # noqa: ANN401 - a Report
    """The account that sent the report, or whoever holds its tracking token."""
    if actor.account_id is not None and report.reporter_id == actor.account_id:
        return True
    return bool(token) and report.tracking_token_hash == token_digest(token)
