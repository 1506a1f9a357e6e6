"""Account reads as SQL (the admin's account list)."""

from __future__ import annotations

from sqlalchemy import Select, select

from ..org.models import Unit
from .models import Account


def account_list(
    role: str | None = None, unit_code: str | None = None, active: bool | None = None
) -> Select:
    """GET /accounts, filtered by role, unit and whether the account may log in."""
    query = select(Account)
    if role:
        query = query.where(Account.role == role)
    if unit_code:
        query = query.join(Unit, Account.unit_id == Unit.id).where(Unit.code == unit_code)
    if active is not None:
        query = query.where(Account.active.is_(active))
    return query
