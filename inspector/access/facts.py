"""The policy's CaseFacts of a stored case, read by attribute (access sits below workflow)."""

from __future__ import annotations

from typing import Any

from .policy import CaseFacts


def case_facts(case: Any) -> CaseFacts:  # noqa: ANN401 - a workflow Case
    zones = {case.grid_id, case.community_id, case.subdistrict_id, case.district_id}
    return CaseFacts(
        unit_id=case.unit_id,
        zone_ids=frozenset(z for z in zones if z is not None),
        reporter_ids=frozenset(r.reporter_id for r in case.reports if r.reporter_id is not None),
    )
