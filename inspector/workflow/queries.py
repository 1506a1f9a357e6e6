"""Case reads as SQL: what a caller may see, the list filters, overdue. Views and jobs run these.

The visibility filters are the access policy's rules in SQL, so lists never fetch what the caller
may not see; `tests/integration/test_access_scopes.py` checks that they agree with
`access.policy` for every actor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from ..access.actor import Actor
from ..access.policy import CITYWIDE_ROLES
from ..access.roles import GRID_WORKER, PUBLIC_ROLES, UNIT_STAFF
from ..categories.models import Category
from ..grid.models import Zone
from ..org.models import Unit
from ..timeutil import as_utc, utcnow
from .listing import LIST_COLUMNS
from .models import Case
from .states import CLOCK_RUNNING, OPEN

# The case column holding a zone of each level (copied at intake from the grid's ancestors).
LEVEL_COLUMNS = {
    "grid": Case.grid_id,
    "community": Case.community_id,
    "subdistrict": Case.subdistrict_id,
    "district": Case.district_id,
}


def in_zones(by_level: Iterable[tuple[str, Iterable[int]]]) -> ColumnElement[bool]:
    """Cases inside any of the zones, given by level: each id is tested against its own level's
    column only (a grid's id can only ever be in `grid_id`). The same rows as testing every id
    against all four columns, but a grid worker's filter is `grid_id IN (...)` and a district's
    `district_id IN (...)`, both indexed, where the four-column OR made the database read every
    case. Pure: the levels come with the caller (Actor.zones_by_level, loaded with the account),
    so the clause can be built where no app context is left (streamed exports)."""
    terms = [LEVEL_COLUMNS[level].in_(sorted(ids)) for level, ids in by_level if ids]
    return or_(*terms) if terms else false()


def actor_zones(actor: Actor) -> ColumnElement[bool]:
    if not actor.zones_by_level:  # an Actor made by hand, not by access.service.actor_of
        raise ValueError("zone-bound Actor without zones_by_level: build it with actor_of")
    return in_zones(actor.zones_by_level)


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    if actor.anonymous:
        return false()
    if actor.role in CITYWIDE_ROLES:
        return actor_zones(actor) if actor.zone_ids else true()
    if actor.role == UNIT_STAFF:
        return Case.unit_id == actor.unit_id if actor.unit_id else false()
    if actor.role == GRID_WORKER:
        return actor_zones(actor) if actor.zone_ids else false()
    if actor.role in PUBLIC_ROLES:
        return Case.reports.any(reporter_id=actor.account_id)  # cases holding his own reports
    return false()


def overdue_clause(now: datetime | None = None) -> ColumnElement[bool]:
    """`Case.is_overdue` as a SQL filter (GET /cases?overdue=true, statistics)."""
    now = as_utc(now or utcnow())
    return Case.status.in_(CLOCK_RUNNING) & Case.due_at.is_not(None) & (Case.due_at < now)


def _id_of(model: type, code: str) -> ScalarSelect:
    """The id of the row with this code as a scalar subquery (NULL, so no case, when unknown)."""
    return select(model.id).where(model.code == code).scalar_subquery()


def case_list(
    actor: Actor,
    status: str | None = None,
    unit_code: str | None = None,
    grid_code: str | None = None,
    category_code: str | None = None,
    overdue: bool | None = None,
    open: bool | None = None,  # noqa: A002 - the query parameter's name
    bbox: tuple[float, float, float, float] | None = None,
) -> Select:
    """GET /cases: the cases the caller may see, filtered: the columns of a list row
    (listing.LIST_COLUMNS), their related rows loaded per page by listing.listed_cases."""
    query = select(*LIST_COLUMNS).where(visible_cases(actor))
    if status:
        query = query.where(Case.status == status)
    # Codes are unique: `column = (SELECT id ... WHERE code = ?)` is one value the database looks
    # up once, so the page is read off (unit_id, id) etc. newest first. (`IN (SELECT ...)` may be
    # several values: SQLite then scanned every case newest first, PostgreSQL joined.)
    if unit_code:
        query = query.where(Case.unit_id == _id_of(Unit, unit_code))
    if grid_code:
        query = query.where(Case.grid_id == _id_of(Zone, grid_code))
    if category_code:
        query = query.where(Case.category_id == _id_of(Category, category_code))
    if overdue is not None:
        late = overdue_clause()
        query = query.where(late if overdue else ~late)
    if open is not None:
        still_open = Case.status.in_(OPEN)
        query = query.where(still_open if open else ~still_open)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(Case.lat.between(min_lat, max_lat), Case.lon.between(min_lon, max_lon))
    return query
