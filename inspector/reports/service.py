"""随手拍 intake: a phone's report becomes a Report and a Case, exactly once per client_id.

A retry with the same client_id gets the first answer only when it proves to be the same sender
(`replay`): the same account, or, anonymous, the first upload's retry_secret or tracking token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import FileStorage

from ..access.actor import Actor
from ..access.roles import ADMIN, DISPATCHER, GRID_WORKER, RESIDENT, SUPERVISOR, VOLUNTEER
from ..access.service import token_digest
from ..categories.service import category_by_code
from ..errors import ApiError
from ..extensions import db
from ..grid.address import address_for
from ..grid.coords import to_wgs84
from ..grid.service import Location, locate
from ..jobs import later
from ..photos.checks import CHECK_FAILURES
from ..photos.service import (
    Upload,
    add_photo_rows,
    inspect_uploads,
    photo_warnings,
    position_from_photos,
    put_files,
)
from ..points.service import point_at
from ..rows import insert_new
from ..workflow.models import Case
from ..workflow.nearby import Near, find_nearby
from ..workflow.numbers import next_case_number
from ..workflow.timeline import append_event
from .models import Report

STAFF_SOURCES = ("hotline", "covert", "media")


@dataclass
class ReportInput:
    lat: float | None = None
    lon: float | None = None
    coord_sys: str = "wgs84"
    accuracy_m: float | None = None
    category_code: str | None = None
    description: str | None = None
    client_id: str | None = None
    retry_secret: str | None = None
    phone: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Channel:
    """A trusted intake path other than the phone form (Open311...): the source it stamps and
    its own rules. Chosen by code, never by a form field, so callers cannot claim it."""

    source: str
    initial_status: str
    photos_required: bool = True


def tracking_token(client_id: str | None, retry_secret: str | None) -> str:
    """The anonymous reporter's key to his report.

    Derived from client_id *and* the phone's retry_secret when the phone sent one, so that a
    retried upload (whose first answer was lost) can be given the same token again; random
    otherwise. Never derived from client_id alone: staff and logs may have seen a client_id.
    """
    if client_id and retry_secret:
        key = current_app.config["SECRET_KEY"].encode()
        message = f"track:{client_id}:{retry_secret}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
    return secrets.token_hex(16)


_BY_CLIENT_ID = select(Report).where(Report.client_id == bindparam("client_id"))  # every intake


def report_by_client_id(client_id: str) -> Report | None:
    return db.session.scalar(_BY_CLIENT_ID, {"client_id": client_id})


def report_by_token(token: str) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.tracking_token_hash == token_digest(token))
    )


@dataclass(frozen=True)
class RetryProof:
    """What an anonymous phone shows to be the sender of an earlier upload with its client_id."""

    retry_secret: str | None = None
    tracking_token: str | None = None


def replay(actor: Actor, client_id: str, proof: RetryProof) -> tuple[Report, str | None] | None:
    """(report, tracking token for an anonymous sender) that a retry refers to, or None.

    A client_id alone proves nothing (staff have seen it, it may be in logs): the retry must come
    from the same account, or, anonymous, carry the retry_secret or the tracking token of the
    first upload. Anyone else gets 409 and neither the report nor its token.
    """
    report = report_by_client_id(client_id)
    if report is None:
        return None
    if actor.anonymous:
        if report.reporter_id is None and report.tracking_token_hash:
            for token in (proof.tracking_token, _derived_token(client_id, proof.retry_secret)):
                if token and hmac.compare_digest(token_digest(token), report.tracking_token_hash):
                    return report, token
    elif report.reporter_id == actor.account_id:
        return report, None
    raise ApiError(
        409,
        "client_id_conflict",
        "client_id 已被使用;匿名重发须带第一次的 retry_secret 或 tracking_token / "
        "client_id already used; an anonymous retry must send the first upload's retry_secret "
        "or tracking_token",
    )


def _derived_token(client_id: str, retry_secret: str | None) -> str | None:
    return tracking_token(client_id, retry_secret) if retry_secret else None


def _source(actor: Actor, requested: str | None) -> str:
    by_role = {GRID_WORKER: "patrol", RESIDENT: "tip", VOLUNTEER: "volunteer"}
    if actor.role in (DISPATCHER, SUPERVISOR, ADMIN):
        default = "covert" if actor.role == SUPERVISOR else "hotline"
        if requested and requested not in STAFF_SOURCES:
            raise ApiError(422, "invalid_input", "来源无效 / invalid source", {"field": "source"})
        return requested or default
    return by_role.get(actor.role or RESIDENT, "patrol")


def _initial_status(source: str, has_category: bool, warnings: list[dict]) -> str:
    """Tips wait for the grid worker's on-site check; a grid worker's patrol report with a
    category is filed at once, unless its photos fail the place or time check: then it waits
    for the dispatcher (`new`) with the warnings, like any unverified evidence."""
    if source in ("tip", "volunteer"):
        return "verifying"
    failed = any(w["code"] in CHECK_FAILURES for w in warnings)
    if source == "patrol" and has_category and not failed:
        return "filed"
    return "new"


def _position(data: ReportInput, photos: list[Upload]) -> tuple[float, float, str]:
    if data.lat is not None and data.lon is not None:
        lat, lon = to_wgs84(data.lat, data.lon, data.coord_sys)
        return lat, lon, "device"
    from_photo = position_from_photos(photos)
    if from_photo is None:
        raise ApiError(
            422,
            "position_required",
            "缺少位置:请开启定位或使用带位置信息的照片 / lat/lon required (no GPS in the photos)",
        )
    return from_photo[0], from_photo[1], "photo"


def locate_in_city(lat: float, lon: float) -> Location:
    try:
        return locate(lat, lon, snap_m=current_app.config["SNAP_DISTANCE_M"])
    except ApiError as exc:
        if exc.code == "outside_city":
            raise ApiError(422, "outside_city", exc.message) from exc
        raise


def submit_report(
    actor: Actor,
    data: ReportInput,
    files: list[FileStorage],
    now: datetime,
    channel: Channel | None = None,
) -> tuple[Report, str | None]:
    """Check, store photos, place the report on the grid and open its case.

    Returns (report, tracking token for an anonymous sender). Every check that can refuse the
    report (category, source, photos, position, city) runs before any photo file is written.
    """
    category = category_by_code(data.category_code) if data.category_code else None
    source = channel.source if channel else _source(actor, data.source)
    optional = channel is not None and not channel.photos_required
    uploads = [] if optional and not files else inspect_uploads(files)
    lat, lon, position_source = _position(data, uploads)
    location = locate_in_city(lat, lon)
    warnings = photo_warnings(uploads, lat, lon, now)
    if channel is not None:
        status = channel.initial_status
    else:
        status = _initial_status(source, category is not None, warnings)
    cfg = current_app.config
    report = Report(
        client_id=data.client_id,
        reporter_id=actor.account_id,
        source=source,
        phone=data.phone if actor.anonymous or actor.role in (RESIDENT, VOLUNTEER) else None,
        lat=lat,
        lon=lon,
        accuracy_m=data.accuracy_m,
        position_source=position_source,
        grid_id=location.grid_id,
        category=category,
        description=data.description,
        created_at=now,
        rating=None,  # set, not left unloaded: the answer reads them without a reload
        rating_note=None,
        rated_at=None,
    )
    token = None
    if actor.anonymous:
        token = tracking_token(data.client_id, data.retry_secret)
        report.tracking_token_hash = token_digest(token)
    if location.snapped_m is not None:
        warnings.append(
            {
                "code": "snapped_to_grid",
                "message": f"位置在网格缝隙,已就近归入网格(相距{location.snapped_m:.0f}米) / snapped to nearest grid",
            }
        )
    # Nothing below refuses the report: the originals go to disk (fsync) now, before the case
    # number is drawn, whose counter row stays locked until commit (concurrent intakes queue
    # on it). Nearby cases are looked up before the case exists (nothing to exclude), so the
    # case row is written once with its links; the photo rows, once, with report and event.
    stored = put_files(uploads)
    nearby, links = _nearby_warnings(category, report.lat, report.lon, cfg, now)
    filed_at = now if status == "filed" else None
    case = open_case(report, location, category, status, now, filed_at=filed_at, **links)
    warnings += nearby
    report.warnings = warnings
    photos = add_photo_rows(stored, actor.account_id)
    record_intake(
        actor,
        report,
        case,
        note=data.description,
        data=_report_event_data(source, status, category, warnings),
        photos=photos,
        at=now,
        new_case=True,
    )
    later("after_intake", report.id)  # derivatives, pHash, photo_reused (reports/jobs.py)
    return report, token


def record_intake(
    actor: Actor,
    report: Report,
    case: Case,
    *,
    note: str | None,
    data: dict,
    photos: list | tuple = (),
    at: datetime,
    new_case: bool = False,
) -> None:
    """Tie a new report, its photos and its new case together and open the timeline.

    Every intake path (the app, Open311, 12345 tickets, inspection findings) ends here, so the
    first timeline event, which `audit verify` replays, has one shape whatever the source.
    `new_case`: the case was opened in this transaction (see append_event).
    """
    for photo in photos:
        photo.report = report
    if new_case:
        # Both sides as loaded, not as a change: the case was just written with no report, and
        # a changed collection would send it through the unit of work for nothing (rows.py).
        set_committed_value(report, "case", case)
        set_committed_value(case, "reports", [report])
    else:
        report.case = case
    append_event(
        case, actor, "report", None, case.status, note=note, data=data, photos=list(photos), at=at,
        new_case=new_case, new_rows=[report],
    )  # fmt: skip
    if case.status == "filed" and case.filed_at != at:  # intake's open_case wrote it already
        case.filed_at = at
    db.session.flush()


def _report_event_data(source: str, status: str, category, warnings: list) -> dict:  # noqa: ANN001
    data: dict = {
        "source": source,
        "warnings": [w["code"] for w in warnings],
        "category_code": category.code if category else None,  # replayed by `audit verify`
    }
    if source == "patrol" and category is not None and status == "new":
        # Said in the timeline: why a grid worker's report was not filed at once.
        data["held_for_review"] = [w["code"] for w in warnings if w["code"] in CHECK_FAILURES]
    return data


def open_case(
    report: Report,
    location: Location,
    category,
    status: str,
    now: datetime,  # noqa: ANN001
    duplicate_of_id: int | None = None,
    recurrence_of_id: int | None = None,
    filed_at: datetime | None = None,
) -> Case:
    """The case of a new report, placed on its grid (and evaluation point) with an address.
    Links and filed_at given here are written with the row (record_intake files it otherwise)."""
    chain = location.chain
    point = point_at(report.lat, report.lon)
    case = Case(
        number=next_case_number(now),
        status=status,
        source=report.source,
        category=category,
        grid_id=location.grid_id,
        community_id=chain.get("community", {}).get("id"),
        subdistrict_id=chain.get("subdistrict", {}).get("id"),
        district_id=chain.get("district", {}).get("id"),
        point_id=point.id if point else None,
        lat=report.lat,
        lon=report.lon,
        description=report.description,
        address=address_for(location, report.lat, report.lon),
        created_at=now,
        filed_at=filed_at,
        duplicate_of_id=duplicate_of_id,
        recurrence_of_id=recurrence_of_id,
        reports=[],  # known empty, not read back: record_intake adds its report (the backref)
    )
    insert_new([case])  # its id is in the event's digest: written now (rows.py: no flush)
    return case


def _nearby_warnings(
    category,  # noqa: ANN001
    lat: float,
    lon: float,
    cfg,  # noqa: ANN001
    now: datetime,
) -> tuple[list[dict], dict[str, int]]:
    """Proposals for the dispatcher (the report lands either way: nothing is lost), and the
    links the new case gets (duplicate_of_id, recurrence_of_id)."""
    radius = cfg["DUPLICATE_RADIUS_M"]
    category_id = category.id if category is not None else None
    warnings, links = [], {}
    duplicate, recurrence = find_nearby(category_id, lat, lon, radius, cfg["RECURRENCE_DAYS"], now)
    if duplicate is not None:
        links["duplicate_of_id"] = duplicate.id
        warnings.append(
            _about(
                "possible_duplicate",
                f"附近已有同类未办结案件 {duplicate.number},可合并 / possible duplicate of case",
                duplicate,
            )
        )
    if recurrence is not None:
        links["recurrence_of_id"] = recurrence.id
        warnings.append(
            _about(
                "recurrence",
                f"同一地点问题反弹(原案件 {recurrence.number}) / recurrence of case",
                recurrence,
            )
        )
    return warnings, links


def _about(code: str, message: str, other: Near) -> dict:
    return {
        "code": code,
        "message": f"{message} {other.number}",
        "case_id": other.id,
        "case_number": other.number,
    }
