"""Accounts as JSON (output shapes of the access package)."""

from __future__ import annotations

from ..timeutil import iso_local
from .models import Account


def account_json(account: Account, with_phone: bool) -> dict:
    """An account as staff see it; the phone only for callers the policy allows (admin, self)."""
    body = {
        "username": account.username,
        "role": account.role,
        "display_name": account.display_name,
        "unit_code": account.unit.code if account.unit else None,
        "zone_codes": sorted(z.code for z in account.zones),
        "active": account.active,
        "created_at": iso_local(account.created_at),
    }
    if with_phone:
        body["phone"] = account.phone
    return body
