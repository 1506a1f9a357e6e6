"""Open311 use cases: a POST becomes a report through the one intake; reads select cases.

A POST goes through `reports.service.submit_report` like every phone report (routing, duplicate
and recurrence checks, the timeline), stamped with source `open311`. Contact details that the
sender gives (email, names) are kept in `open311_request`, never in a public answer; the phone
goes to the report's phone field, private like a resident's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from ..access.actor import ANONYMOUS
from ..categories.models import Category
from ..errors import ApiError
from ..extensions import db
from ..grid.address import geocode
from ..reports.models import Report
from ..reports.service import Channel, ReportInput, report_by_token, submit_report
from ..workflow.models import Case
from ..workflow.states import OPEN
from .models import Open311Key, Open311Request

# Tips from other systems are unverified like a resident's: a grid worker checks on site first.
OPEN311 = Channel(source="open311", initial_status="verifying", photos_required=False)
DEFAULT_DAYS = 90  # GeoReport v2: without dates, the last 90 days
MAX_SPAN_DAYS = 90  # ... and a date range "may not span more than 90 days"
MAX_REQUESTS = 1000  # GeoReport v2 servers answer at most 1,000 requests (FixMyStreet likewise)
HIDDEN = ("void",)  # a voided case was never a real request


@dataclass
class PostInput:
    service_code: str
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    device_id: str | None = None
    media_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def active_category(code: str) -> Category | None:
    cat = db.session.scalar(select(Category).where(Category.code == code))
    return cat if cat is not None and cat.active else None


def _retry_window() -> timedelta:
    return timedelta(minutes=float(current_app.config["OPEN311_RETRY_MINUTES"]))


def _retry_hash(data: PostInput) -> str | None:
    if not data.device_id:
        return None
    text = f"{data.device_id}\n{data.description or ''}"
    return hashlib.sha256(text.encode()).hexdigest()


def earlier_post(key: Open311Key, data: PostInput, now: datetime) -> Report | None:
    """The report of the same POST (key, device_id, description) sent within the retry window."""
    retry = _retry_hash(data)
    if retry is None:
        return None
    return db.session.scalar(
        select(Report)
        .join(Open311Request, Open311Request.report_id == Report.id)
        .where(
            Open311Request.key_id == key.id,
            Open311Request.retry_hash == retry,
            Open311Request.created_at >= now - _retry_window(),
        )
        .order_by(Open311Request.id)
        .limit(1)
    )


def submit(
    key: Open311Key, data: PostInput, files: list[FileStorage], now: datetime
) -> tuple[Report, str | None]:
    """Open the report and case (flushed, not committed). Returns (report, tracking token)."""
    if active_category(data.service_code) is None:
        raise ApiError(404, "not_found", f"service_code {data.service_code} 不存在 / not found")
    if data.lat is not None and data.long is not None:
        lat, lon = data.lat, data.long
    elif data.address_string:
        lat, lon = geocode(data.address_string)
    else:
        raise ApiError(
            400,
            "position_required",
            "需要 lat 和 long,或 address_string / lat and long, or address_string, are required",
        )
    report_input = ReportInput(
        lat=lat,
        lon=lon,
        category_code=data.service_code,
        description=data.description,
        phone=data.phone,
    )
    report, token = submit_report(ANONYMOUS, report_input, files, now, channel=OPEN311)
    retry = _retry_hash(data)
    window_s = _retry_window().total_seconds()
    db.session.add(
        Open311Request(
            report_id=report.id,
            key_id=key.id,
            device_id=data.device_id,
            retry_hash=retry,
            retry_bucket=int(now.timestamp() // window_s) if retry and window_s > 0 else None,
            email=data.email,
            first_name=data.first_name,
            last_name=data.last_name,
            media_url=data.media_url,
            attributes=data.attributes,
            created_at=now,
        )
    )
    db.session.flush()
    return report, token


def _visible() -> Select:
    return select(Case).where(Case.status.not_in(HIDDEN))


def _with_relations(query: Select) -> Select:
    return query.options(
        selectinload(Case.category),
        selectinload(Case.unit),
        selectinload(Case.grid),
        selectinload(Case.reports).selectinload(Report.photos),
    )


def case_by_number(number: str) -> Case | None:
    return db.session.scalar(_with_relations(_visible().where(Case.number == number)))


def case_by_token(token: str) -> Case | None:
    report = report_by_token(token)
    if report is None or report.source != "open311" or report.case is None:
        return None
    return report.case if report.case.status not in HIDDEN else None


@dataclass
class RequestQuery:
    service_request_ids: list[str] | None = None
    service_codes: list[str] | None = None
    statuses: list[str] | None = None  # "open" | "closed"
    start: datetime | None = None
    end: datetime | None = None


def date_range(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The spec's defaults: the last 90 days; one bound given: 90 days from it; never more."""
    if start is None and end is None:
        return now - timedelta(days=DEFAULT_DAYS), now
    if start is None:
        return end - timedelta(days=MAX_SPAN_DAYS), end
    if end is None:
        return start, start + timedelta(days=MAX_SPAN_DAYS)
    if end < start:
        raise ApiError(400, "bad_request", "end_date 早于 start_date / end_date before start_date")
    if end - start > timedelta(days=MAX_SPAN_DAYS):
        raise ApiError(
            400, "bad_request", "日期范围不能超过 90 天 / the date range may not span over 90 days"
        )
    return start, end


def list_cases(query: RequestQuery, now: datetime) -> list[Case]:
    """Newest first, at most 1,000. A service_request_id list overrides every other filter."""
    stmt = _visible()
    if query.service_request_ids:
        stmt = stmt.where(Case.number.in_(query.service_request_ids))
    else:
        start, end = date_range(query.start, query.end, now)
        stmt = stmt.where(Case.created_at >= start, Case.created_at <= end)
        if query.service_codes:
            stmt = stmt.join(Category, Category.id == Case.category_id).where(
                Category.code.in_(query.service_codes)
            )
        if query.statuses and set(query.statuses) != {"open", "closed"}:
            is_open = Case.status.in_(OPEN)
            stmt = stmt.where(is_open if set(query.statuses) == {"open"} else ~is_open)
    stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc()).limit(MAX_REQUESTS)
    return list(db.session.scalars(_with_relations(stmt)))
