"""Was the caller on site? One rule for every on-site action: a grid worker's 核实 and 核查, a unit's
整改 after-photo, a patrol check-in (巡查打卡).

Position: the first photo with an EXIF position, else the phone's (already WGS-84); it must be
within ONSITE_DISTANCE_M of the place. Time: no photo may be taken before the moment the action
became possible (dispatch, the patrol's slot), less a few minutes of clock skew. Refusals are
422 with the codes `position_required`, `not_on_site` and `photo_too_early`, in the same words
wherever they come from, so a phone app handles them once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..errors import ApiError
from ..humanize import distance_text
from ..timeutil import as_utc
from .checks import PhotoFacts
from .service import Upload, inspect_uploads

# EXIF times have whole seconds and phone clocks drift: allow a few minutes of skew.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Site:
    """Where the caller must stand: metres from a (lat, lon) to it, and its name in messages."""

    distance_m: Callable[[tuple[float, float]], float]
    name_zh: str  # 案件位置, 巡查点位
    name_en: str  # the case, the patrol place


@dataclass(frozen=True)
class NotBefore:
    """The earliest a photo may be taken, and how the refusal names that moment."""

    at: datetime
    message: str  # bilingual: "照片拍摄时间早于派遣时间,请在现场重新拍摄 / ..."


@dataclass(frozen=True)
class OnSite:
    """Where the check put the caller, and how it knew."""

    position: tuple[float, float]  # (lat, lon) WGS-84
    basis: str  # photo | device
    distance_m: float
    untimed: int  # photos without an EXIF time: they cannot prove when they were taken

    def facts(self) -> dict[str, Any]:
        """What the timeline event records about the place."""
        where: dict[str, Any] = {
            "position_basis": self.basis,
            "distance_m": round(self.distance_m, 1),
        }
        if self.untimed:  # dispatchers see that the time is unproven
            where["photos_without_time"] = self.untimed
        return where


def site_photos(files: list[FileStorage], required: bool) -> list[Upload]:
    """The uploads of an on-site action, checked and not stored yet (the place and time checks
    run on their EXIF before any file is written); none sent is 422 `photo_required` if needed."""
    if not files:
        if required:
            raise ApiError(422, "photo_required", "需要上传现场照片 / a photo is required")
        return []
    return inspect_uploads(files)


def check_on_site(
    photos: Sequence[PhotoFacts],
    device: tuple[float, float] | None,
    site: Site,
    not_before: NotBefore | None = None,
) -> OnSite:
    """Where the caller stood, or a 422 ApiError. Runs on EXIF read from uploads before any file
    is stored."""
    limit = float(current_app.config["ONSITE_DISTANCE_M"])
    position, basis = None, None
    for photo in photos:
        if photo.gps_lat is not None and photo.gps_lon is not None:
            position, basis = (photo.gps_lat, photo.gps_lon), "photo"
            break
    if position is None and device is not None:
        position, basis = device, "device"
    if position is None:
        raise ApiError(
            422,
            "position_required",
            "需要现场位置:请开启定位或拍摄带位置的照片 / on-site position required",
        )
    distance = site.distance_m(position)
    if distance > limit:
        (far_zh, far_en), (limit_zh, limit_en) = distance_text(distance), distance_text(limit)
        raise ApiError(
            422,
            "not_on_site",
            f"距{site.name_zh}{far_zh},超过{limit_zh},请到现场操作 / "
            f"{far_en} from {site.name_en}, must be within {limit_en}",
            {"distance_m": round(distance)},
        )
    if not_before is not None:
        earliest = as_utc(not_before.at) - CLOCK_SKEW
        for photo in photos:
            if photo.taken_at is not None and as_utc(photo.taken_at) < earliest:
                raise ApiError(422, "photo_too_early", not_before.message)
    untimed = sum(1 for photo in photos if photo.taken_at is None)
    return OnSite(position, basis or "device", distance, untimed)
