"""Putting a case on the 曝光台 and what the public sees of it.

Public items carry the supervisor's text, the category, the place rounded to ~50 m
(access.privacy), the area's zone names, dates, the responsible unit and whether it is fixed,
and photos only through the blurred derivative. Nothing about reporters: no names, phones,
descriptions, accounts or report ids.
"""

from __future__ import annotations

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
from .blur import blurred_jpeg
from .models import CaseExposure

NOT_EXPOSABLE = ("new", "verifying", "rejected", "void", "merged")  # not a confirmed problem
BLURRED = "blurred"


def expose(case: Case, actor: Actor, note: str, now: datetime) -> CaseExposure:
    """Put a (visible, confirmed) case on the 曝光台, or change its public text."""
    if case.status in NOT_EXPOSABLE:
        raise ApiError(
            409,
            "invalid_transition",
            f"案件状态为「{STATUS_ZH[case.status]}」,不能曝光 / only confirmed cases can be exposed",
            {"status": case.status},
        )
    exposure = db.session.scalar(select(CaseExposure).where(CaseExposure.case_id == case.id))
    if exposure is None:
        exposure = CaseExposure(
            case_id=case.id, note=note, exposed_by_id=actor.account_id, exposed_at=now
        )
        db.session.add(exposure)
    else:
        exposure.note, exposure.exposed_by_id, exposure.exposed_at = note, actor.account_id, now
    db.session.flush()
    return exposure


def _photo_urls(photos: list[Photo]) -> list[str]:
    return [url_for("exposure.blurred_photo", photo_id=p.id) for p in photos]


def exposure_json(exposure: CaseExposure) -> dict[str, Any]:
    case = exposure.case
    lat, lon = public_position(case.lat, case.lon)
    before = [p for r in case.reports for p in r.photos]
    after = [p for e in case.events if e.action == "rectify" for p in e.photos]
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
        "photos": _photo_urls(before),
        "after_photos": _photo_urls(after),
    }


def exposed_photo(photo_id: int):  # noqa: ANN201 - a path or a binary stream
    """The blurred derivative of a photo of an exposed case; any other photo answers 404."""
    photo = db.session.get(Photo, photo_id)
    case = case_of(photo) if photo is not None else None
    if case is None or not db.session.scalar(
        select(CaseExposure.id).where(CaseExposure.case_id == case.id)
    ):
        raise not_found("照片 / Photo")
    store, key = storage(), derived_key(photo.sha256, BLURRED)
    if not store.exists(key):
        ensure_derivatives(photo)
        display = store.read(derived_key(photo.sha256, "display"))
        store.put(key, blurred_jpeg(display), durable=False)  # can always be made again
    return photo, open_stored(photo, key)
