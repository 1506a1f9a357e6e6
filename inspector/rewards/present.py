"""Output shapes of the ledger and the leaderboard. Masks come from access/privacy.py, the
one place that says how much of a name or a phone number others may see."""

from __future__ import annotations

from typing import Any

from ..access.actor import Actor
from ..access.models import Account
from ..access.policy import can_see_account_phone
from ..access.privacy import mask_name, mask_phone
from ..access.roles import ROLE_NAMES_ZH
from ..timeutil import iso_local
from .models import RewardEntry
from .rules import Standing


def entry_json(entry: RewardEntry) -> dict[str, Any]:
    """api.md: points, reason, case_id, at; plus the machine code and the month it counts in."""
    return {
        "id": entry.id,
        "points": entry.points,
        "code": entry.code,
        "reason": entry.reason,
        "case_id": entry.case_id,
        "case_number": entry.case.number if entry.case is not None else None,
        "report_id": entry.report_id,
        "month": entry.month,
        "reverses": entry.reverses_id,
        "at": iso_local(entry.at),
    }


def summary_json(balance: int, month: str, month_points: int, cap: int) -> dict[str, Any]:
    return {
        "balance": balance,
        "this_month": {
            "month": month,
            "points": month_points,
            "cap": cap,
            "remaining": max(cap - month_points, 0),
        },
    }


def account_json(account: Account, viewer: Actor) -> dict[str, Any]:
    """Staff see whose ledger it is; the whole phone number only where the policy allows."""
    phone = (
        account.phone if can_see_account_phone(viewer, account.id) else mask_phone(account.phone)
    )
    return {
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "role_name": ROLE_NAMES_ZH.get(account.role, account.role),
        "phone": phone,
    }


def standing_json(rank: int, row: Standing, account: Account | None) -> dict[str, Any]:
    """A public line of the leaderboard: masked name and phone, never the account id."""
    name = (account.display_name or account.username) if account is not None else None
    return {
        "rank": rank,
        "name": mask_name(name),
        "phone": mask_phone(account.phone) if account is not None else None,
        "points": row.points,
        "tips": row.tips,
    }
