"""The month's payout list (发放清单) for the admin who pays: whole names and phone numbers, so
it is for admins only (access/policy.py: only admins see others' account phones). One row per
person with net points in the month, in leaderboard order; small enough to build in memory."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..access.roles import ROLE_NAMES_ZH
from . import queries, rules

COLUMNS = [
    ("rank", "排名"),
    ("username", "账号"),
    ("name", "姓名"),
    ("phone", "电话"),
    ("role", "角色"),
    ("tips", "立案奖励次数"),
    ("points", "本月积分"),
]


def payout_rows(month: str) -> list[dict[str, Any]]:
    board = rules.ranked(queries.standings(month))
    accounts = queries.accounts_by_id([row.account_id for _, row in board])
    rows = []
    for rank, row in board:
        account = accounts[row.account_id]
        rows.append(
            {
                "rank": rank,
                "username": account.username,
                "name": account.display_name or "",
                "phone": account.phone or "",
                "role": ROLE_NAMES_ZH.get(account.role, account.role),
                "tips": row.tips,
                "points": row.points,
            }
        )
    return rows


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM: Excel on Chinese Windows opens it without garbling."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in COLUMNS])
    for row in rows:
        writer.writerow([row[key] for key, _ in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows: list[dict[str, Any]], month: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{month} 有奖举报"
    sheet.append([title for _, title in COLUMNS])
    for row in rows:
        sheet.append([row[key] for key, _ in COLUMNS])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
