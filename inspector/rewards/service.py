"""Rewards react to the workflow: a tip's points are decided when its case is filed (立案) and
taken back when a rewarded case is merged as a duplicate, voided or rejected after all.

The receiver runs inside the action's own transaction (`workflow.signals.case_acted`, sent by
`perform` before the request commits in `inspector/http.py`): ledger lines commit or roll back
with the filing itself, never on their own. Only flushes here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..access.actor import Actor
from ..access.models import Account
from ..errors import not_found
from ..extensions import db
from ..pagination import paginate
from ..photos.models import Photo
from ..photos.service import ensure_derivatives
from ..reports.jobs import copies
from ..reports.models import Report
from ..timeutil import as_utc
from ..workflow.models import Case, CaseEvent
from ..workflow.signals import case_acted
from . import present, queries, rules
from .models import RewardClaim, RewardEntry

log = logging.getLogger(__name__)


def settings() -> rules.RewardSettings:
    """The app's INSPECTOR_REWARD_* settings, parsed once (a bad value fails at start-up)."""
    found = current_app.extensions.get("reward_settings")
    if found is None:
        cfg = current_app.config
        found = rules.RewardSettings.parse(
            cfg["REWARD_POINTS"],
            cfg["REWARD_FIRST_BONUS"],
            cfg["REWARD_MONTHLY_CAP"],
            cfg["REWARD_RADIUS_M"],
        )
        current_app.extensions["reward_settings"] = found
    return found


def init_app(app: Flask) -> None:
    """Parse the settings now: a wrong INSPECTOR_REWARD_* stops the start, not a filing."""
    with app.app_context():
        settings()


@case_acted.connect
def on_case_acted(case: Case, event: CaseEvent, actor: Actor, **_: Any) -> None:  # noqa: ANN401
    """立案 decides the tip's reward; 合并 / 作废 / 不予立案 end it (reversal or a 0-point line)."""
    if event.action == "file":
        decide_filing(case, as_utc(event.at))
    elif event.action in rules.ENDINGS:
        end_case(case, event)


# ------------------------------------------------------------------ filing


def decide_filing(case: Case, now: datetime) -> list[RewardEntry]:
    """The reward of a case just filed. Reports merged in earlier were settled by their merge
    (`denied_merged`); of the rest, the earliest earning one (the report that opened the case)
    is judged by the rules, any other gets a 0-point `denied_duplicate`. Returns the lines."""
    if case.category is None:
        return []
    reports = sorted(case.reports, key=lambda r: (as_utc(r.created_at), r.id))
    open_tips = [r for r in reports if _earning(r) and not _has_lines(r)]
    if not open_tips:
        return []
    lines = _judge(case, open_tips[0], now)
    for report in open_tips[1:]:
        lines.append(_line("denied_duplicate", 0, case, _tip(report), now, number=case.number))
    db.session.flush()
    return lines


def _judge(case: Case, report: Report, now: datetime) -> list[RewardEntry]:
    cfg = settings()
    category = case.category
    day = rules.china_day(report.created_at)
    place = (
        report.lat if report.lat is not None else case.lat,
        report.lon if report.lon is not None else case.lon,
    )
    slot = {"category_id": category.id, "day": day, "lat": place[0], "lon": place[1]}
    tip = _tip(report)
    _claim(f"account:{report.reporter_id}", f"slot:{category.id}:{day.isoformat()}")

    reused = _earlier_copy(report)
    if reused is not None:
        other = reused[1].number if reused[1] is not None else "—"
        return [_line("denied_reused_photo", 0, case, tip, now, other_number=other, **slot)]
    holder = _slot_holder(category.id, day, place, cfg.radius_m)
    if holder is not None:
        return [
            _line(
                "denied_same_place_day",
                0,
                case,
                tip,
                now,
                other_number=holder.case.number,
                radius_m=f"{cfg.radius_m:g}",
                **slot,
            )
        ]
    earlier = _earlier_problem(case)
    wanted = [("filed", cfg.points_for(category.family, category.code))]
    if earlier is None and cfg.first_bonus:
        wanted.append(("first_reporter_bonus", cfg.first_bonus))
    month = rules.china_month(now)
    granted, denied = rules.under_cap(
        wanted, _month_points(report.reporter_id, month), cfg.monthly_cap
    )
    lines = []
    for code, points, full in granted:
        detail: dict[str, Any] = {"number": case.number}
        if code == "filed" and points < full:
            detail.update(trimmed_from=full, cap=cfg.monthly_cap)
        if code == "filed" and earlier is not None:
            detail["earlier_number"] = earlier.number
        lines.append(_line(code, points, case, tip, now, **detail, **slot))
    if denied:
        lines.append(
            _line("denied_cap", 0, case, tip, now, denied=denied, cap=cfg.monthly_cap, **slot)
        )
    return lines


def _earning(report: Report) -> bool:
    """Only a known account of an earning role has a ledger (anonymous tips cannot be paid)."""
    return report.reporter is not None and rules.earns(report.reporter.role)


def _has_lines(report: Report) -> bool:
    return (
        db.session.scalar(select(RewardEntry.id).where(RewardEntry.report_id == report.id).limit(1))
        is not None
    )


def _claim(*keys: str) -> None:
    """Bump each key's claim row (upsert), in one order: a parallel judgement of the same person
    or slot waits here until this transaction ends, then reads what it wrote."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    for key in sorted(keys):
        db.session.execute(
            dialect.insert(RewardClaim)
            .values(key=key, version=1)
            .on_conflict_do_update(
                index_elements=["key"], set_={"version": RewardClaim.version + 1}
            )
        )


def _earlier_copy(report: Report) -> tuple[Photo, Case | None] | None:
    """An earlier photo (of another tip or case event) showing the same picture as one of the
    tip's photos, with its case; None when every picture is new. The pHash is made here if the
    after-intake job has not made it yet; an undecodable photo still compares by its bytes."""
    for photo in report.photos:
        try:
            ensure_derivatives(photo)
        except Exception:  # noqa: BLE001 - storage or pixels: the filing stands, bytes still compare
            log.warning("photo %s: no pHash for the reward check", photo.id, exc_info=True)
        for other, other_case in copies(photo):
            if other.id < photo.id and other.report_id != report.id:
                return other, other_case
    return None


def _slot_holder(
    category_id: int, day: date, place: tuple[float, float], radius_m: float
) -> RewardEntry | None:
    """The paid tip of this category on this China day within `radius_m` of `place`, if any."""
    rows = db.session.scalars(
        select(RewardEntry)
        .where(
            RewardEntry.code == "filed",
            RewardEntry.points > 0,
            queries.not_taken_back(),
            RewardEntry.category_id == category_id,
            RewardEntry.day == day,
        )
        .order_by(RewardEntry.id)
    )
    for row in rows:
        if rules.same_place((row.lat, row.lon), place, radius_m):
            return row
    return None


def _earlier_problem(case: Case) -> Case | None:
    """The earlier case intake linked this one to (possible duplicate), when it still stands
    for the same problem: then this report is not the first of the problem (no bonus)."""
    if case.duplicate_of_id is None:
        return None
    other = db.session.get(Case, case.duplicate_of_id)
    if other is None or other.status in ("rejected", "void") or other.merged_into_id == case.id:
        return None
    return other


def _month_points(account_id: int, month: str) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(RewardEntry.points), 0)).where(
                RewardEntry.account_id == account_id, RewardEntry.month == month
            )
        )
    )


@dataclass(frozen=True)
class _Tip:
    """Whose ledger a line goes to, and for which report."""

    account_id: int
    report_id: int | None


def _tip(report: Report) -> _Tip:
    return _Tip(report.reporter_id, report.id)


def _line(
    code: str,
    points: int,
    case: Case,
    tip: _Tip,
    now: datetime,
    *,
    category_id: int | None = None,
    day: date | None = None,
    lat: float | None = None,
    lon: float | None = None,
    month: str | None = None,
    reverses: RewardEntry | None = None,
    **detail: Any,  # noqa: ANN401
) -> RewardEntry:
    if points:
        detail["points"] = points
    entry = RewardEntry(
        account_id=tip.account_id,
        points=points,
        code=code,
        reason=rules.reason(code, detail),
        case_id=case.id,
        report_id=tip.report_id,
        month=month or rules.china_month(now),
        category_id=category_id,
        day=day,
        lat=lat,
        lon=lon,
        reverses_id=reverses.id if reverses is not None else None,
        detail=detail,
        at=now,
    )
    db.session.add(entry)
    return entry


# ------------------------------------------------------------------ endings


def end_case(case: Case, event: CaseEvent) -> list[RewardEntry]:
    """A case merged into another, voided or rejected: every reward it paid is taken back by a
    negative line in the month it counted in; a tip of it never judged gets a 0-point line
    saying why it earns nothing. Merged reports already sit in the target case: the merge
    event names them."""
    action, now = event.action, as_utc(event.at)
    data = event.data or {}
    into = {"into_number": data.get("into_number", "—")}
    note = {"note": event.note.strip()} if event.note and event.note.strip() else {}
    lines = []
    paid = db.session.scalars(
        select(RewardEntry)
        .where(RewardEntry.case_id == case.id, RewardEntry.points > 0, queries.not_taken_back())
        .order_by(RewardEntry.id)
    ).all()
    for entry in paid:
        lines.append(
            _line(
                rules.REVERSALS[action],
                -entry.points,
                case,
                _Tip(entry.account_id, entry.report_id),
                now,
                month=entry.month,
                reverses=entry,
                number=case.number,
                **into,
            )
        )
    if action == "merge":
        reports = [db.session.get(Report, rid) for rid in data.get("report_ids", [])]
    else:
        reports = list(case.reports)
    for report in reports:
        if report is not None and _earning(report) and not _has_lines(report):
            tip = _tip(report)
            lines.append(
                _line(rules.ENDINGS[action], 0, case, tip, now, number=case.number, **into, **note)
            )
    db.session.flush()
    return lines


# ------------------------------------------------------------------ reads


def ledger(account_id: int, args: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A person's lines, newest first (paged), with the balance and this month's room."""
    month = rules.china_month(now)
    balance, month_points = queries.totals(account_id, month)
    page = paginate(queries.lines_of(account_id), RewardEntry.id, args, present.entry_json)
    return {**present.summary_json(balance, month, month_points, settings().monthly_cap), **page}


def account_ledger(
    username: str, viewer: Actor, args: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Staff look at one person's ledger (to answer "why did my tip earn nothing?")."""
    account = db.session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise not_found("账号 / Account")
    return {"account": present.account_json(account, viewer), **ledger(account.id, args, now)}


def leaderboard(month: str, limit: int) -> dict[str, Any]:
    """The month's net points per person (reversals count in the month they take back), ranked
    with ties sharing a rank; names and phones masked."""
    board = rules.ranked(queries.standings(month))[:limit]
    accounts = queries.accounts_by_id([row.account_id for _, row in board])
    return {
        "month": month,
        "items": [
            present.standing_json(rank, row, accounts.get(row.account_id)) for rank, row in board
        ],
    }
