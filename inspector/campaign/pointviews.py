"""What an evaluation point can prove: its dated photo history, the board of all points, and
the 30-day problem view of a camera point (监控点位 "近30天的录像").

A case belongs to a point when the point was recorded on it at intake, or when its place lies
inside the point's polygon (a point drawn after the case still shows it: the proof is the
place, not the bookkeeping). Photos are those of the case's reports and timeline steps, and
those of patrol check-ins (巡查打卡) at the point: of a plan for the point, or checked in inside
its polygon. A check-in that reported no problem is a clean patrol.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import shapely
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..geometry import from_geojson_text
from ..patrols.models import PatrolCheckIn
from ..patrols.queries import check_ins_at
from ..photos.models import Photo
from ..photos.service import photo_json
from ..points.models import EvaluationPoint
from ..reports.models import Report
from ..timeutil import CHINA, as_utc, iso_local
from ..workflow.models import Case, CaseEvent
from ..workflow.states import ACTION_ZH, OPEN, STATUS_ZH

# Timeline steps whose photos show the place clean after the work (整改后, 核查通过).
CLEAN_STEPS = ("rectify", "check")
# A patrol check-in's step in the history; clean when the patrol found no problem.
PATROL = "patrol"
STEP_ZH = {**ACTION_ZH, PATROL: "巡查打卡"}
# Outcomes that are not a problem of the place: a rejected tip, a duplicate merged away, void.
NOT_A_PROBLEM = ("rejected", "merged", "void")


def cases_in(point: EvaluationPoint) -> list[Case]:
    """Cases recorded at the point or standing inside its polygon (bbox pre-filter in SQL)."""
    candidates = db.session.scalars(
        select(Case)
        .where(
            or_(
                Case.point_id == point.id,
                Case.lat.between(point.min_lat, point.max_lat)
                & Case.lon.between(point.min_lon, point.max_lon),
            )
        )
        .options(selectinload(Case.category))
        .order_by(Case.id)
    ).all()
    shape = from_geojson_text(point.geometry)
    return [
        c
        for c in candidates
        if c.point_id == point.id or shape.intersects(shapely.Point(c.lon, c.lat))
    ]


@dataclass
class Shot:
    """One photo of the point's history: when, which step of which case."""

    photo: Photo
    at: datetime  # EXIF time when the photo has one, else when it was uploaded
    step: str  # report | verify | rectify | check ... | patrol
    case: Case | None
    passed: bool | None = None  # check: passed; patrol: no problem found
    patrol: PatrolCheckIn | None = None

    @property
    def clean(self) -> bool:
        if self.step in ("check", PATROL):
            return self.passed is True
        return self.step in CLEAN_STEPS


def shots(cases: list[Case]) -> list[Shot]:
    """Every photo of the point's cases, oldest first."""
    ids = [c.id for c in cases]
    by_id = {c.id: c for c in cases}
    found: list[Shot] = []
    if ids:
        report_photos = db.session.execute(
            select(Photo, Report.case_id)
            .join(Report, Photo.report_id == Report.id)
            .where(Report.case_id.in_(ids), Photo.event_id.is_(None))
        ).all()
        found += [Shot(p, _when(p), "report", by_id[cid]) for p, cid in report_photos]
        event_photos = db.session.execute(
            select(Photo, CaseEvent).join(CaseEvent).where(CaseEvent.case_id.in_(ids))
        ).all()
        for photo, event in event_photos:
            passed = (event.data or {}).get("passed") if event.action == "check" else None
            found.append(Shot(photo, _when(photo), event.action, by_id[event.case_id], passed))
    return sorted(found, key=lambda s: (s.at, s.photo.id))


def patrol_shots(point: EvaluationPoint) -> list[Shot]:
    """The photos of patrol check-ins at the point (a plan for it, or a place inside it)."""
    shape = from_geojson_text(point.geometry)
    bbox = (point.min_lon, point.min_lat, point.max_lon, point.max_lat)
    found = []
    for record in check_ins_at(point.id, bbox):
        if record.plan.point_id != point.id and not shape.intersects(
            shapely.Point(record.lon, record.lat)
        ):
            continue
        for photo in record.photos:
            found.append(Shot(photo, _when(photo), PATROL, None, not record.problem, record))
    return found


def point_shots(point: EvaluationPoint, cases: list[Case]) -> list[Shot]:
    """Every photo of the point: its cases' and its patrols', oldest first."""
    return sorted(shots(cases) + patrol_shots(point), key=lambda s: (s.at, s.photo.id))


def _when(photo: Photo) -> datetime:
    return as_utc(photo.taken_at or photo.created_at)


def history(
    point: EvaluationPoint, start: datetime | None, end: datetime | None
) -> list[dict[str, Any]]:
    """The point's photos dated in [start, end), each with its case."""
    items = []
    for shot in point_shots(point, cases_in(point)):
        if (start and shot.at < start) or (end and shot.at >= end):
            continue
        items.append(_shot_json(shot))
    return items


def _shot_json(shot: Shot) -> dict[str, Any]:
    case = shot.case
    return {
        "at": iso_local(shot.at),
        "step": shot.step,
        "step_name": STEP_ZH.get(shot.step, shot.step),
        "clean": shot.clean,
        "photo": photo_json(shot.photo, original_allowed=True, public=False),
        "case": _case_brief(case) if case else None,
        "patrol": _patrol_brief(shot.patrol) if shot.patrol else None,
    }


def _patrol_brief(record: PatrolCheckIn) -> dict[str, Any]:
    return {
        "check_in_id": record.id,
        "plan_id": record.plan_id,
        "slot_date": record.slot_date.isoformat(),
        "problem": record.problem,
        "report_id": record.report_id,
    }


def _case_brief(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "status": case.status,
        "status_name": STATUS_ZH[case.status],
        "category_code": case.category.code if case.category else None,
        "category_name": case.category.name if case.category else None,
    }


def board_row(point: EvaluationPoint, now: datetime) -> dict[str, Any]:
    """One line of the board: what an inspector asks before he walks to the point."""
    cases = cases_in(point)
    problems = [c for c in cases if c.status not in NOT_A_PROBLEM]
    last_problem = max((as_utc(c.created_at) for c in problems), default=None)
    clean = [s for s in point_shots(point, cases) if s.clean]
    last_clean = clean[-1] if clean else None
    return {
        "code": point.code,
        "name": point.name,
        "kind": point.kind,
        "unit_code": point.unit.code,
        "camera": point.camera,
        "open_problems": sum(1 for c in problems if c.status in OPEN),
        "overdue_cases": sum(1 for c in problems if c.is_overdue(now)),
        "last_problem_at": iso_local(last_problem),
        "days_since_last_problem": _days_between(last_problem, now),
        "last_clean_photo": _shot_json(last_clean) if last_clean else None,
    }


def _days_between(earlier: datetime | None, now: datetime) -> int | None:
    """Calendar days in China time: a problem yesterday evening is 1 day ago this morning."""
    if earlier is None:
        return None
    return (as_utc(now).astimezone(CHINA).date() - earlier.astimezone(CHINA).date()).days


def board(now: datetime) -> list[dict[str, Any]]:
    points = db.session.scalars(
        select(EvaluationPoint)
        .options(selectinload(EvaluationPoint.unit))
        .order_by(EvaluationPoint.code)
    ).all()
    return [board_row(p, now) for p in points]


CAMERA_DAYS = 30


def camera_view(point: EvaluationPoint, now: datetime) -> dict[str, Any]:
    """Every problem recorded at the point in the last 30 days, with its times and photos:
    what the inspectors compare with the camera's footage."""
    since = as_utc(now) - timedelta(days=CAMERA_DAYS)
    cases = [c for c in cases_in(point) if as_utc(c.created_at) >= since]
    photos: dict[int, list[Shot]] = {}
    for shot in shots(cases):
        if shot.case is not None:
            photos.setdefault(shot.case.id, []).append(shot)
    problems = []
    for case in sorted(cases, key=lambda c: (as_utc(c.created_at), c.id)):
        problems.append(
            {
                **_case_brief(case),
                "source": case.source,
                "description": case.description,
                "reported_at": iso_local(case.created_at),
                "dispatched_at": iso_local(case.dispatched_at),
                "due_at": iso_local(case.due_at),
                "rectified_at": iso_local(case.rectified_at),
                "closed_at": iso_local(case.closed_at),
                "overdue": case.is_overdue(now),
                "photos": [_shot_json(s) for s in photos.get(case.id, [])],
            }
        )
    return {
        "code": point.code,
        "name": point.name,
        "unit_code": point.unit.code,
        "unit_name": point.unit.name,
        "camera": point.camera,
        "from": iso_local(since),
        "to": iso_local(now),
        "problems": problems,
    }
