"""Whose bulletin: the whole city's, or the district of a zone-bound supervisor or dispatcher.

A supervisor bound to 西城区 reads and publishes 西城区's bulletin: the numbers of the cases he
may see (the same rule as the case list), never the city's under his name. Unbound supervisors,
dispatchers and admins, and unit staff (who read, never publish), get the city's. The yellow
flag stays a city-wide fact: a district bulletin shows the city's holder.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.sql.elements import ColumnElement

from ..access.actor import Actor
from ..access.policy import CITYWIDE_ROLES
from ..extensions import db
from ..grid.models import Zone
from ..workflow.queries import in_zones

KEY_LENGTH = 200  # bulletin.scope


@dataclass(frozen=True)
class Scope:
    key: str  # "" for the city; the bound zones' codes, comma-separated, sorted
    zone_ids: frozenset[int]
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    zones_by_level: tuple[tuple[str, frozenset[int]], ...] = ()  # Actor's, for in_zones

    @property
    def citywide(self) -> bool:
        return not self.zone_ids

    def where(self) -> ColumnElement[bool]:
        return true() if self.citywide else in_zones(self.zones_by_level)

    def json(self) -> dict[str, Any] | None:
        if self.citywide:
            return None
        return {"zone_codes": list(self.codes), "zone_names": list(self.names)}

    @property
    def title(self) -> str:
        return "" if self.citywide else "、".join(self.names)


CITY = Scope("", frozenset())


def scope_of(actor: Actor) -> Scope:
    if actor.role not in CITYWIDE_ROLES or not actor.zone_ids:
        return CITY
    zones = db.session.scalars(
        select(Zone).where(Zone.id.in_(list(actor.zone_ids))).order_by(Zone.code)
    ).all()
    codes = tuple(z.code for z in zones)
    key = ",".join(codes)
    if len(key) > KEY_LENGTH:  # many zones: a stable digest of the same list
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    names = tuple(z.name for z in zones)
    return Scope(key, actor.zone_ids, codes, names, actor.zones_by_level)
