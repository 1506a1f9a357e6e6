"""The one place that decides who may see what. Pure: facts in, booleans out.

Views and services ask here; `workflow/queries.py` turns the same rules into SQL filters for lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .actor import Actor
from .roles import ADMIN, DISPATCHER, GRID_WORKER, PUBLIC_ROLES, SUPERVISOR, UNIT_STAFF

CITYWIDE_ROLES = (ADMIN, DISPATCHER, SUPERVISOR)
# Staff who must be able to call a reporter back: dispatchers (立案/回访) and the grid worker
# who verifies on site. Nobody else ever sees a resident's phone number.
PHONE_ROLES = (ADMIN, DISPATCHER, GRID_WORKER)
ORIGINAL_ROLES = (ADMIN, DISPATCHER, SUPERVISOR, GRID_WORKER, UNIT_STAFF)


@dataclass(frozen=True)
class CaseFacts:
    """What access depends on: the responsible unit, the place, the people who reported it."""

    unit_id: int | None
    zone_ids: frozenset[int]  # grid and its community, subdistrict, district
    reporter_ids: frozenset[int] = field(default_factory=frozenset)


def can_see_case(actor: Actor, case: CaseFacts) -> bool:
    if actor.anonymous:
        return False
    if actor.role in CITYWIDE_ROLES:
        return not actor.zone_ids or bool(actor.zone_ids & case.zone_ids)
    if actor.role == UNIT_STAFF:
        return actor.unit_id is not None and actor.unit_id == case.unit_id
    if actor.role == GRID_WORKER:
        return bool(actor.zone_ids & case.zone_ids)
    if actor.role in PUBLIC_ROLES:
        return actor.account_id in case.reporter_ids
    return False


def is_public(actor: Actor) -> bool:
    """Residents, volunteers and anonymous callers (tracking-token holders): rounded positions,
    and only their own reports."""
    return actor.anonymous or actor.role in PUBLIC_ROLES


def can_see_report(actor: Actor, case: CaseFacts | None, own: bool) -> bool:
    """A report (description, photos, phone): its own reporter, and staff who can see its case.

    A public caller never sees another reporter's report, also not when a merge put both
    reports into the case he follows.
    """
    if own:
        return True
    if is_public(actor):
        return False
    return case is not None and can_see_case(actor, case)


def can_see_phone(actor: Actor, case: CaseFacts | None) -> bool:
    if actor.role not in PHONE_ROLES:
        return False
    return case is None or can_see_case(actor, case)


def can_see_original(actor: Actor, case: CaseFacts | None) -> bool:
    """Originals keep EXIF/GPS: staff who can see the case only."""
    if actor.role not in ORIGINAL_ROLES:
        return False
    return case is not None and can_see_case(actor, case)


def can_see_account_phone(actor: Actor, account_id: int) -> bool:
    """A staff member's or resident's own number: the admin who manages accounts, and oneself."""
    return actor.role == ADMIN or (not actor.anonymous and actor.account_id == account_id)
