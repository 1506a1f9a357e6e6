"""Putting a case on the 曝光台 and what the public sees of it.

Public items carry the supervisor's text, the category, the place rounded to ~50 m
(access.privacy), the area's zone names, dates, the responsible unit and whether it is fixed,
and photos only through the blurred derivative. Nothing about reporters: no names, phones,
descriptions, accounts or report ids.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select

from ..access.actor import Actor
from ..access.privacy import public_position
from ..errors import ApiError, not_found
from ..extensions import db
from ..photos.models import Photo
from ..photos.service import case_of, ensure_derivatives, open_stored, storage
from ..photos.storage import derived_key
from ..timeutil import iso_local
from ..workflow.models import Case
from ..workflow.states import STATUS_ZH
from .blur import VERSION, blurred_jpeg
from .models import CaseExposure

NOT_EXPOSABLE = ("new", "verifying", "rejected", "void", "merged")  # not a confirmed problem
BLURRED = "blurred"


@dataclass(frozen=True)
class BlurArea:
    """A supervisor's mark: a rectangle of one photo of the case, in fractions of its size."""

    photo_id: int
    x: float
    y: float
    width: float
    height: float


def case_photos(case: Case) -> tuple[list[Photo], list[Photo]]:
    """(before, after): the reports' photos and the 整改 photos, the ones the public sees."""
    before = [p for r in case.reports for p in r.photos]
    after = [p for e in case.events if e.action == "rectify" for p in e.photos]
    return before, after


def _marks(case: Case, areas: Sequence[BlurArea]) -> dict[str, list[list[float]]]:
    """{"<photo id>": [[x, y, w, h], ...]}; 422 for a photo that is not shown with this case or
    a rectangle that leaves the picture."""
    shown = {p.id for group in case_photos(case) for p in group}
    marks: dict[str, list[list[float]]] = {}
    for area in areas:
        if area.photo_id not in shown:
            raise ApiError(
                422,
                "invalid_input",
                f"照片 {area.photo_id} 不属于该案件 / photo {area.photo_id} is not in this case",
                {"field": "blur_areas"},
            )
        if area.x + area.width > 1 or area.y + area.height > 1:
            raise ApiError(
                422,
                "invalid_input",
                "模糊区域超出照片范围 / a blur area leaves the picture",
                {"field": "blur_areas"},
            )
        rect = [round(v, 4) for v in (area.x, area.y, area.width, area.height)]
        marks.setdefault(str(area.photo_id), []).append(rect)
    return marks


def variant(photo: Photo, exposure: CaseExposure) -> str:
    """The stored derivative's name: the detector version and this photo's marks, hashed and
    spelled in letters (storage keys take lowercase letters only). New marks, new name."""
    marks = (exposure.blur_marks or {}).get(str(photo.id), [])
    digest = hashlib.sha256(json.dumps([VERSION, marks]).encode()).hexdigest()[:16]
    return BLURRED + "".join(chr(ord("a") + int(c, 16)) for c in digest)


def _forget_old(exposure: CaseExposure, new: dict[str, list]) -> None:
    """Drop the cached pictures of photos whose marks change (they are made again on demand)."""
    old = exposure.blur_marks or {}
    store = storage()
    for photo_id in set(old) | set(new):
        if old.get(photo_id) != new.get(photo_id):
            photo = db.session.get(Photo, int(photo_id))
            if photo is not None:
                store.delete_if_older(
                    derived_key(photo.sha256, variant(photo, exposure)), time.time() + 1
                )


def expose(
    case: Case,
    actor: Actor,
    note: str,
    now: datetime,
    blur_areas: Sequence[BlurArea] | None = None,
) -> CaseExposure:
    """Put a (visible, confirmed) case on the 曝光台, or change its public text; `blur_areas`
    (when given) replace the supervisor's marks, blurred on top of what the detectors find."""
    if case.status in NOT_EXPOSABLE:
        raise ApiError(
            409,
            "invalid_transition",
            f"案件状态为「{STATUS_ZH[case.status]}」,不能曝光 / only confirmed cases can be exposed",
            {"status": case.status},
        )
    marks = _marks(case, blur_areas) if blur_areas is not None else None
    exposure = db.session.scalar(select(CaseExposure).where(CaseExposure.case_id == case.id))
    if exposure is None:
        exposure = CaseExposure(
            case_id=case.id, note=note, exposed_by_id=actor.account_id, exposed_at=now
        )
        db.session.add(exposure)
    else:
        exposure.note, exposure.exposed_by_id, exposure.exposed_at = note, actor.account_id, now
    if marks is not None:
        _forget_old(exposure, marks)
        exposure.blur_marks = marks
    db.session.flush()
    return exposure


def _photo_urls(photos: list[Photo], exposure: CaseExposure) -> list[str]:
    """`v` changes with the marks, so browsers and caches never keep an outdated picture."""
    return [
        url_for("exposure.blurred_photo", photo_id=p.id, v=variant(p, exposure)[len(BLURRED) :])
        for p in photos
    ]


def exposure_json(exposure: CaseExposure) -> dict[str, Any]:
    case = exposure.case
    lat, lon = public_position(case.lat, case.lon)
    before, after = case_photos(case)
    return {
        "id": exposure.id,
        "case_number": case.number,
        "text": exposure.note,
        "category_name": case.category.name if case.category else None,
        "lat": lat,
        "lon": lon,
        "area": case.grid.name if case.grid else None,
        "reported_at": iso_local(case.created_at),
        "exposed_at": iso_local(exposure.exposed_at),
        "due_at": iso_local(case.due_at),
        "closed_at": iso_local(case.closed_at),
        "unit_name": case.unit.name if case.unit else None,
        "status_name": STATUS_ZH[case.status],
        "fixed": case.status == "closed",
        "photos": _photo_urls(before, exposure),
        "after_photos": _photo_urls(after, exposure),
    }


def marks_json(exposure: CaseExposure) -> list[dict[str, Any]]:
    """The supervisor's marks as he gave them (staff answer only, never public)."""
    return [
        {"photo_id": int(pid), "x": x, "y": y, "width": w, "height": h}
        for pid, rects in sorted((exposure.blur_marks or {}).items(), key=lambda kv: int(kv[0]))
        for x, y, w, h in rects
    ]


def exposed_photo(photo_id: int):  # noqa: ANN201 - (photo, its variant, a path or a stream)
    """The blurred derivative of a photo shown with an exposed case; any other photo answers 404.
    Made once per (photo, detector version, marks) and kept in storage: never per request."""
    photo = db.session.get(Photo, photo_id)
    case = case_of(photo) if photo is not None else None
    exposure = (
        db.session.scalar(select(CaseExposure).where(CaseExposure.case_id == case.id))
        if case is not None
        else None
    )
    if exposure is None or photo.id not in {p.id for g in case_photos(case) for p in g}:
        raise not_found("照片 / Photo")
    name = variant(photo, exposure)
    store, key = storage(), derived_key(photo.sha256, name)
    if not store.exists(key):
        ensure_derivatives(photo)
        display = store.read(derived_key(photo.sha256, "display"))
        marks = (exposure.blur_marks or {}).get(str(photo.id), [])
        store.put(key, blurred_jpeg(display, marks), durable=False)  # can always be made again
    return photo, name, open_stored(photo, key)
