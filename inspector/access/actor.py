"""Who is calling: plain data the policy and the workflow decide on, without Flask or SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    account_id: int | None
    role: str | None  # None: an anonymous caller
    unit_id: int | None = None
    zone_ids: frozenset[int] = field(default_factory=frozenset)
    username: str | None = None
    # The same zones by level, ((level, ids), ...): read when the account's zones are loaded
    # (service.actor_of), so SQL filters test each id against its own level's column only
    # (workflow/queries.in_zones) without a query of their own. Streamed exports build their
    # filter after the request's app context has gone: no lookup may happen there.
    zones_by_level: tuple[tuple[str, frozenset[int]], ...] = ()

    @property
    def anonymous(self) -> bool:
        return self.account_id is None


ANONYMOUS = Actor(account_id=None, role=None)
