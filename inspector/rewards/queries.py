"""Ledger reads as SQL: one person's lines and totals, and the month's standings."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import selectinload

from ..access.models import Account
from ..extensions import db
from .models import RewardEntry
from .rules import Standing


def not_taken_back() -> ColumnElement[bool]:
    """Lines no reversal names: a paid line stays paid until a negative line reverses it."""
    reversed_ids = select(RewardEntry.reverses_id).where(RewardEntry.reverses_id.is_not(None))
    return RewardEntry.id.not_in(reversed_ids)


def lines_of(account_id: int) -> Select:
    return (
        select(RewardEntry)
        .where(RewardEntry.account_id == account_id)
        .options(selectinload(RewardEntry.case))
    )


def totals(account_id: int, month: str) -> tuple[int, int]:
    """(balance over all time, points counted in `month`)."""
    row = db.session.execute(
        select(
            func.coalesce(func.sum(RewardEntry.points), 0),
            func.coalesce(
                func.sum(case((RewardEntry.month == month, RewardEntry.points), else_=0)), 0
            ),
        ).where(RewardEntry.account_id == account_id)
    ).one()
    return int(row[0]), int(row[1])


def standings(month: str) -> list[Standing]:
    """Everyone with a line in `month`: net points, tips paid and not taken back, last line."""
    paid_tip = and_(RewardEntry.code == "filed", RewardEntry.points > 0, not_taken_back())
    rows = db.session.execute(
        select(
            RewardEntry.account_id,
            func.sum(RewardEntry.points),
            func.sum(case((paid_tip, 1), else_=0)),
            func.max(RewardEntry.at),
        )
        .where(RewardEntry.month == month)
        .group_by(RewardEntry.account_id)
    ).all()
    return [Standing(r[0], int(r[1]), int(r[2]), r[3]) for r in rows]


def accounts_by_id(ids: list[int]) -> dict[int, Account]:
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(select(Account).where(Account.id.in_(ids)))}
