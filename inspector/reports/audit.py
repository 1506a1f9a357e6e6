"""`audit verify`, for reports: every report's rating is the latest `rate` event about it.

Reports sit above the workflow: the case timelines (workflow/audit.py) say nothing about report
rows, so editing a rating in the database without a `rate` event shows here.
`audit storage` adds the exactly-once checks: no client_id on two reports, and every report a
client was acknowledged for (a ledger the load harness keeps) present.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from sqlalchemy import func, select

from ..extensions import db
from ..photos.audit import StorageFinding
from ..timeutil import as_utc
from ..workflow.audit import ChainProblem, same_time
from ..workflow.models import Case, CaseEvent
from .models import Report


def _rate_events() -> tuple[dict[int, list[CaseEvent]], list[CaseEvent]]:
    """Rate events naming their reports (since 0003), and older ones that name none."""
    by_report: dict[int, list[CaseEvent]] = defaultdict(list)
    unnamed: list[CaseEvent] = []
    for e in db.session.scalars(select(CaseEvent).where(CaseEvent.action == "rate")):
        ids = (e.data or {}).get("report_ids")
        if ids is None:
            unnamed.append(e)
        for report_id in ids or ():
            by_report[report_id].append(e)
    return by_report, unnamed


def _family(case_id: int, merged_from: dict[int, list[int]]) -> set[int]:
    """The case and every case merged into it (a report moves with merges)."""
    seen, todo = set(), [case_id]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += merged_from.get(current, [])
    return seen


def verify_ratings() -> list[ChainProblem]:
    """A report's rating is the latest `rate` event about it; none without such an event.

    Events since 0003 name their reports. Older ones are matched by rater and instant: a rate
    event of the same actor (anonymous: none) in the report's case or a case merged into it,
    at the report's `rated_at`.
    """
    by_report, unnamed = _rate_events()
    merged_from: dict[int, list[int]] = defaultdict(list)
    for case_id, into in db.session.execute(
        select(Case.id, Case.merged_into_id).where(Case.merged_into_id.is_not(None))
    ):
        merged_from[into].append(case_id)
    problems = []
    reports = db.session.scalars(
        select(Report).where((Report.rating.is_not(None)) | (Report.id.in_(list(by_report))))
    ).all()
    for report in reports:
        named = by_report.get(report.id, [])
        if named:
            latest = max(named, key=lambda e: (as_utc(e.at), e.case_id, e.seq))
        else:
            family = _family(report.case_id, merged_from) if report.case_id else set()
            candidates = [
                e
                for e in unnamed
                if e.case_id in family
                and e.actor_id == report.reporter_id
                and same_time(e.at, report.rated_at)
            ]
            latest = candidates[-1] if candidates else None
        problem = _rating_problem(report, latest)
        if problem:
            case_id = report.case_id or 0
            problems.append(ChainProblem(case_id, 0, problem, kind="rating"))
    numbers = dict(
        db.session.execute(
            select(Case.id, Case.number).where(Case.id.in_(sorted({p.case_id for p in problems})))
        ).all()
    )
    return [replace(p, case_number=numbers.get(p.case_id)) for p in problems]


def _rating_problem(report: Report, latest: CaseEvent | None) -> str | None:
    if latest is None:
        return (
            f"上报 report {report.id} 的评价 {report.rating} 没有对应的评价流水 / "
            "rating without a rate event"
        )
    score = (latest.data or {}).get("score")
    if (
        report.rating != score
        or not same_time(report.rated_at, latest.at)
        or (report.rating_note or None) != (latest.note or None)
    ):
        return (
            f"上报 report {report.id} 的评价 {report.rating!r} 与流水(案件 {latest.case_id} 第 "
            f"{latest.seq} 条:{score!r})不符 / rating disagrees with its latest rate event"
        )
    return None


# ------------------------------------------------------------------ `audit storage`: exactly once


def duplicate_reports() -> list[StorageFinding]:
    """A client_id on more than one report: a phone's retry became a second report.

    The unique constraint on `report.client_id` should make this impossible; the audit checks
    the outcome rather than trusting the schema (a restored dump, a dropped constraint)."""
    rows = db.session.execute(
        select(Report.client_id, Report.id)
        .where(
            Report.client_id.in_(
                select(Report.client_id)
                .where(Report.client_id.is_not(None))
                .group_by(Report.client_id)
                .having(func.count() > 1)
            )
        )
        .order_by(Report.client_id, Report.id)
    ).all()
    by_client: dict[str, list[int]] = defaultdict(list)
    for client_id, report_id in rows:
        by_client[client_id].append(report_id)
    return [
        StorageFinding(
            "duplicate_report", client_id, tuple(ids), f"{len(ids)} 条上报 / {len(ids)} reports"
        )
        for client_id, ids in by_client.items()
    ]


def missing_acknowledged(acknowledged: dict[str, int | None]) -> list[StorageFinding]:
    """Reports the server answered 2xx for (client_id -> report id, when the client kept it)
    that are not in the database, or not as the answered row: an acknowledged report was lost."""
    found: dict[str, list[int]] = defaultdict(list)
    ordered = sorted(acknowledged)
    for start in range(0, len(ordered), 500):
        batch = ordered[start : start + 500]
        for client_id, report_id in db.session.execute(
            select(Report.client_id, Report.id).where(Report.client_id.in_(batch))
        ):
            found[client_id].append(report_id)
    findings = []
    for client_id in ordered:
        ids, answered = found.get(client_id, []), acknowledged[client_id]
        if not ids:
            detail = "已确认的上报不存在 / acknowledged report missing"
            findings.append(StorageFinding("acknowledged_missing", client_id, (), detail))
        elif answered is not None and answered not in ids:
            detail = f"应答的上报 {answered} 不存在 / answered report {answered} is not the row"
            findings.append(StorageFinding("acknowledged_missing", client_id, tuple(ids), detail))
    return findings
