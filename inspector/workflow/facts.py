"""Builds the policy's CaseFacts from a stored case."""

from __future__ import annotations

from ..access.policy import CaseFacts
from .models import Case


def case_facts(case: Case) -> CaseFacts:
    zones = {case.grid_id, case.community_id, case.subdistrict_id, case.district_id}
    return CaseFacts(
        unit_id=case.unit_id,
        zone_ids=frozenset(z for z in zones if z is not None),
        reporter_ids=frozenset(r.reporter_id for r in case.reports if r.reporter_id is not None),
    )
