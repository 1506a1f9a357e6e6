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

    @property
    def anonymous(self) -> bool:
        return self.account_id is None


ANONYMOUS = Actor(account_id=None, role=None)
