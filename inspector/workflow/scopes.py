"""The access policy's rules as SQL filters on cases, next to the model they filter.

Lists never fetch what the caller may not see; `tests/integration/test_access_scopes.py` checks
that these filters and `access.policy` agree for every actor.
"""

from __future__ import annotations

from sqlalchemy import false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from ..access.actor import Actor
from ..access.policy import CITYWIDE_ROLES
from ..access.roles import GRID_WORKER, PUBLIC_ROLES, UNIT_STAFF
from ..reports.models import Report
from .models import Case


def in_zones(zone_ids: frozenset[int]) -> ColumnElement[bool]:
    ids = list(zone_ids)
    return or_(
        Case.grid_id.in_(ids),
        Case.community_id.in_(ids),
        Case.subdistrict_id.in_(ids),
        Case.district_id.in_(ids),
    )


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    if actor.anonymous:
        return false()
    if actor.role in CITYWIDE_ROLES:
        return in_zones(actor.zone_ids) if actor.zone_ids else true()
    if actor.role == UNIT_STAFF:
        return Case.unit_id == actor.unit_id if actor.unit_id else false()
    if actor.role == GRID_WORKER:
        return in_zones(actor.zone_ids) if actor.zone_ids else false()
    if actor.role in PUBLIC_ROLES:
        return Case.id.in_(select(Report.case_id).where(Report.reporter_id == actor.account_id))
    return false()
