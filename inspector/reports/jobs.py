"""What runs right after intake, in the background (inspector/jobs.py): derivatives and the
perceptual hash of each photo, so the first view is instant, then the re-use check.

`photo_reused`: a photo of this report shows the same picture (identical bytes, or a pHash
within a few bits: re-encoded, resized, EXIF edited) as a photo of another case taken into the
system within `REUSE_WINDOW`. Recycled pictures are a known way to fake 随手拍 work (a worker
paid per report, a resident settling a score); the dispatcher sees the warning on the case
(`warnings` of GET /cases/{id}) with the other case's id and number and decides. It is never a
refusal: the same pile may honestly be photographed twice from the same spot.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import selectinload

from ..errors import ApiError
from ..extensions import db
from ..photos.models import Photo
from ..photos.service import case_of, ensure_derivatives, same_picture
from ..workflow.models import CaseEvent
from .models import Report

REUSE_WINDOW = timedelta(days=90)
log = logging.getLogger(__name__)


def after_intake(report_id: int) -> None:
    """Derive every photo of the report, then flag re-use; the job runner (inspector/jobs.py)
    commits. Idempotent: run twice, it adds no second warning for the same other case."""
    report = db.session.get(Report, report_id)
    if report is None:  # its request was rolled back after all
        return
    for photo in report.photos:
        try:
            ensure_derivatives(photo)
        except ApiError:  # pixels broken past the upload checks: the other photos still count
            log.warning("photo %s: no derivatives (undecodable)", photo.id)
    flag_reused_photos(report)


def flag_reused_photos(report: Report) -> list[dict]:
    """Add a `photo_reused` warning to the report per other case showing one of its pictures."""
    case = report.case
    if case is None:
        return []
    known = {w.get("case_id") for w in report.warnings or [] if w.get("code") == "photo_reused"}
    added = []
    for photo in report.photos:
        for other, other_case in copies(photo):
            if other_case is None or other_case.id in (case.id, *known):
                continue
            if other_case.merged_into_id == case.id or case.merged_into_id == other_case.id:
                continue  # the same problem, already joined
            known.add(other_case.id)
            added.append(
                {
                    "code": "photo_reused",
                    "message": f"照片与案件 {other_case.number} 的照片相同 / photo reused from case {other_case.number}",
                    "case_id": other_case.id,
                    "case_number": other_case.number,
                    "photo_id": photo.id,
                    "other_photo_id": other.id,
                }
            )
    if added:
        report.warnings = [*(report.warnings or []), *added]  # a new list: JSON change is seen
        db.session.flush()
    return added


def copies(photo: Photo) -> list[tuple[Photo, Any]]:
    """Other photo rows showing the same picture, taken into the system within `REUSE_WINDOW`
    of this one, each with its case (None when it has none). The one test of re-use: the
    dispatcher's warning above and the rewards' `denied_reused_photo` both ask here."""
    made = photo.created_at
    window = (made - REUSE_WINDOW, made + REUSE_WINDOW)
    # Each copy's case in the same few statements, not two lazy loads per copy: a picture sent
    # again and again (a common screenshot, the load bench) has 20 copies for every new photo.
    cases = (
        selectinload(Photo.report).selectinload(Report.case),
        selectinload(Photo.event).selectinload(CaseEvent.case),
    )
    return [(other, case_of(other)) for other in same_picture(photo, window=window, options=cases)]
